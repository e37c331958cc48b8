// Test-only Trino plugin: a group provider named "file" reading `group:user1,user2` lines from
// the file named by `file.group-file`, the format of Trino's own file group provider (which is not
// published for 483 on Maven Central). The file is re-read when its modification time changes.
package querygate.test;

import io.trino.spi.Plugin;
import io.trino.spi.security.GroupProvider;
import io.trino.spi.security.GroupProviderFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

public final class FileGroupPlugin implements Plugin {
    @Override
    public Iterable<GroupProviderFactory> getGroupProviderFactories() {
        return List.of(new GroupProviderFactory() {
            @Override
            public String getName() {
                return "file";
            }

            @Override
            public GroupProvider create(Map<String, String> config) {
                String file = config.get("file.group-file");
                if (file == null) {
                    throw new IllegalArgumentException("file.group-file is required");
                }
                return new FileGroups(Path.of(file));
            }
        });
    }

    private static final class FileGroups implements GroupProvider {
        private final Path path;
        private long loadedAt = -1;
        private Map<String, Set<String>> groupsByUser = Map.of();

        FileGroups(Path path) {
            this.path = path;
        }

        @Override
        public synchronized Set<String> getGroups(String user) {
            try {
                long modified = Files.getLastModifiedTime(path).toMillis();
                if (modified != loadedAt) {
                    groupsByUser = parse(Files.readAllLines(path));
                    loadedAt = modified;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return groupsByUser.getOrDefault(user, Set.of());
        }

        private static Map<String, Set<String>> parse(List<String> lines) {
            Map<String, Set<String>> out = new HashMap<>();
            for (String line : lines) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int colon = trimmed.indexOf(':');
                if (colon <= 0) {
                    throw new IllegalArgumentException("invalid group file line: " + line);
                }
                String group = trimmed.substring(0, colon).strip();
                for (String user : trimmed.substring(colon + 1).split(",")) {
                    if (!user.isBlank()) {
                        out.computeIfAbsent(user.strip(), k -> new TreeSet<>()).add(group);
                    }
                }
            }
            return out;
        }
    }
}
