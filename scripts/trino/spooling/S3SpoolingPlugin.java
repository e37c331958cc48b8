// Test-only Trino plugin: a spooling manager named "querygate-s3" that keeps spooled result
// segments as objects in an S3 bucket (the moto emulator in tests). Trino's own filesystem spooling
// plugin (trino-spooling-filesystem) is not published on Maven Central, so the tests bring this one,
// written against trino-spi alone: objects are written, read and deleted through pre-signed URLs
// (AWS Signature Version 4, query-string form) with java.net.http, so no AWS SDK is needed.
//
// Properties (etc/spooling-manager.properties):
//   spooling-manager.name=querygate-s3
//   s3.endpoint=http://127.0.0.1:PORT   s3.bucket=NAME   s3.region=us-east-1
//   s3.aws-access-key=...   s3.aws-secret-key=...   segment-ttl-seconds=3600
//
// With protocol.spooling.retrieval-mode=STORAGE clients download from the pre-signed GET URL of
// directLocation(); with COORDINATOR_PROXY the coordinator streams openInputStream() itself.
package querygate.test;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.trino.spi.Plugin;
import io.trino.spi.spool.SpooledLocation;
import io.trino.spi.spool.SpooledLocation.DirectLocation;
import io.trino.spi.spool.SpooledSegmentHandle;
import io.trino.spi.spool.SpoolingContext;
import io.trino.spi.spool.SpoolingManager;
import io.trino.spi.spool.SpoolingManagerContext;
import io.trino.spi.spool.SpoolingManagerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

public final class S3SpoolingPlugin implements Plugin {
    @Override
    public Iterable<SpoolingManagerFactory> getSpoolingManagerFactories() {
        return List.of(new SpoolingManagerFactory() {
            @Override
            public String getName() {
                return "querygate-s3";
            }

            @Override
            public SpoolingManager create(Map<String, String> config, SpoolingManagerContext context) {
                return new S3SpoolingManager(
                        URI.create(required(config, "s3.endpoint")),
                        required(config, "s3.bucket"),
                        config.getOrDefault("s3.region", "us-east-1"),
                        required(config, "s3.aws-access-key"),
                        required(config, "s3.aws-secret-key"),
                        Long.parseLong(config.getOrDefault("segment-ttl-seconds", "3600")));
            }
        });
    }

    private static String required(Map<String, String> config, String name) {
        String value = config.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(name + " is required in spooling-manager.properties");
        }
        return value;
    }

    /** A segment: its object key, encoding and expiry, serialised as the location identifier. */
    record S3Segment(String key, String encoding, Instant expirationTime) implements SpooledSegmentHandle {
        @Override
        public String identifier() {
            return key;
        }

        Slice serialize() {
            return Slices.utf8Slice(key + "\n" + encoding + "\n" + expirationTime.toEpochMilli());
        }

        static S3Segment deserialize(Slice identifier) {
            String[] parts = identifier.toStringUtf8().split("\n", -1);
            if (parts.length != 3) {
                throw new IllegalArgumentException("Malformed segment identifier");
            }
            return new S3Segment(parts[0], parts[1], Instant.ofEpochMilli(Long.parseLong(parts[2])));
        }
    }

    static final class S3SpoolingManager implements SpoolingManager {
        // A pre-signed URL handed to a client stays valid this long (S3 allows up to 7 days).
        private static final long PRESIGN_SECONDS = 3600;
        private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

        private final URI endpoint;
        private final String bucket;
        private final String region;
        private final String accessKey;
        private final String secretKey;
        private final long ttlSeconds;
        private final HttpClient http = HttpClient.newHttpClient();

        S3SpoolingManager(URI endpoint, String bucket, String region, String accessKey, String secretKey, long ttlSeconds) {
            this.endpoint = endpoint;
            this.bucket = bucket;
            this.region = region;
            this.accessKey = accessKey;
            this.secretKey = secretKey;
            this.ttlSeconds = ttlSeconds;
        }

        @Override
        public SpooledSegmentHandle create(SpoolingContext context) {
            String key = "segments/" + context.queryId() + "/" + UUID.randomUUID();
            return new S3Segment(key, context.encoding(), Instant.now().plusSeconds(ttlSeconds));
        }

        @Override
        public OutputStream createOutputStream(SpooledSegmentHandle handle) {
            S3Segment segment = (S3Segment) handle;
            // Segments are bounded by protocol.spooling.maximum-segment-size: buffer, then one PUT.
            return new ByteArrayOutputStream() {
                private boolean closed;

                @Override
                public void close() throws IOException {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    HttpRequest put = HttpRequest.newBuilder(presign("PUT", segment.key(), PRESIGN_SECONDS))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(toByteArray()))
                            .build();
                    expectSuccess(send(put, HttpResponse.BodyHandlers.discarding()), "PUT", segment);
                }
            };
        }

        @Override
        public InputStream openInputStream(SpooledSegmentHandle handle) throws IOException {
            S3Segment segment = checkNotExpired(handle);
            HttpRequest get = HttpRequest.newBuilder(presign("GET", segment.key(), PRESIGN_SECONDS)).GET().build();
            HttpResponse<InputStream> response = send(get, HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                response.body().close();
                throw new IOException("Segment not found or not readable: " + segment.key() + " (HTTP " + response.statusCode() + ")");
            }
            return response.body();
        }

        @Override
        public void acknowledge(SpooledSegmentHandle handle) throws IOException {
            S3Segment segment = (S3Segment) handle;
            HttpRequest delete = HttpRequest.newBuilder(presign("DELETE", segment.key(), PRESIGN_SECONDS)).DELETE().build();
            expectSuccess(send(delete, HttpResponse.BodyHandlers.discarding()), "DELETE", segment);
        }

        @Override
        public Optional<DirectLocation> directLocation(SpooledSegmentHandle handle) throws IOException {
            S3Segment segment = checkNotExpired(handle);
            return Optional.of(new DirectLocation(segment.serialize(), presign("GET", segment.key(), PRESIGN_SECONDS), Map.of()));
        }

        @Override
        public SpooledLocation location(SpooledSegmentHandle handle) {
            return SpooledLocation.coordinatorLocation(((S3Segment) handle).serialize(), Map.of());
        }

        @Override
        public SpooledSegmentHandle handle(Slice identifier, Map<String, List<String>> headers) {
            return S3Segment.deserialize(identifier);
        }

        @Override
        public boolean isRecoverableException(IOException exception) {
            return false;
        }

        private static S3Segment checkNotExpired(SpooledSegmentHandle handle) throws IOException {
            S3Segment segment = (S3Segment) handle;
            if (segment.expirationTime().isBefore(Instant.now())) {
                throw new IOException("Segment expired: " + segment.key());
            }
            return segment;
        }

        private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) throws IOException {
            try {
                return http.send(request, body);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("Interrupted talking to S3", e);
            }
        }

        private static void expectSuccess(HttpResponse<?> response, String method, S3Segment segment) throws IOException {
            if (response.statusCode() / 100 != 2) {
                throw new IOException(method + " of segment " + segment.key() + " failed with HTTP " + response.statusCode());
            }
        }

        /** A path-style pre-signed URL (SigV4, UNSIGNED-PAYLOAD, only the host header signed). */
        URI presign(String method, String key, long expiresSeconds) {
            Instant now = Instant.now();
            String amzDate = AMZ_DATE.format(now);
            String day = amzDate.substring(0, 8);
            String scope = day + "/" + region + "/s3/aws4_request";
            String path = "/" + bucket + "/" + encodePath(key);
            String host = endpoint.getPort() == -1 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
            // Parameters in byte order of their names, as the canonical request requires.
            String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256"
                    + "&X-Amz-Credential=" + encode(accessKey + "/" + scope)
                    + "&X-Amz-Date=" + amzDate
                    + "&X-Amz-Expires=" + expiresSeconds
                    + "&X-Amz-SignedHeaders=host";
            String canonicalRequest = method + "\n" + path + "\n" + query + "\nhost:" + host + "\n\nhost\nUNSIGNED-PAYLOAD";
            String stringToSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));
            byte[] signingKey = hmac(hmac(hmac(hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day), region), "s3"), "aws4_request");
            String signature = hex(hmac(signingKey, stringToSign));
            return URI.create(endpoint.getScheme() + "://" + host + path + "?" + query + "&X-Amz-Signature=" + signature);
        }

        private static String encodePath(String key) {
            StringBuilder out = new StringBuilder();
            for (String part : key.split("/", -1)) {
                if (!out.isEmpty()) {
                    out.append('/');
                }
                out.append(encode(part));
            }
            return out.toString();
        }

        /** RFC 3986 percent-encoding of everything but the unreserved characters. */
        private static String encode(String value) {
            StringBuilder out = new StringBuilder();
            for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
                char c = (char) (b & 0xff);
                if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~') {
                    out.append(c);
                } else {
                    out.append('%').append(String.format("%02X", b & 0xff));
                }
            }
            return out.toString();
        }

        private static byte[] sha256(String text) {
            try {
                return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static byte[] hmac(byte[] key, String text) {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String hex(byte[] bytes) {
            return HexFormat.of().formatHex(bytes);
        }
    }
}
