#!/usr/bin/env python3
"""Run one SQL statement through the real Trino Python client (trino.dbapi)
and print the outcome as one JSON document on stdout.

    py_query.py --host H --port P --user U [--catalog C --schema S]
                [--http-scheme http|https] [--source NAME] [--encoding ENC]
                [--session KEY=VALUE ...] --sql SQL [--param VALUE ...]

--param values: "i:123" -> int, "f:1.5" -> float, "b:true" -> bool,
"null" -> None, "s:text" -> str, anything else -> str. With --param the
client uses a prepared statement (PREPARE / EXECUTE ... USING).

Success (exit 0): {"columns":[{"name":..,"type_code":..}],"rows":[[..]]},
values converted with str() except None -> null and ints/bools unchanged;
"rowcount" and "updateType" are added for statements that report an update.
Error (exit 2): {"error":{"name":..,"type":..,"message":..,"location":[line,col]}}
for Trino query errors; client-side trino/HTTP errors use the exception class
as name, type "CLIENT_ERROR" and location null.

The client cannot speak the X-Presto-* header dialect, so there is no option
for it.
"""

import argparse
import json
import sys

try:
    import requests
    from trino import dbapi
    from trino import exceptions as trino_exceptions
except ImportError as exc:  # pragma: no cover - environment problem
    sys.stderr.write(
        "py_query.py: the 'trino' package is not importable (%s); run "
        "scripts/clients/install.sh and use $QUERYGATE_PYTHON\n" % exc
    )
    sys.exit(3)


def parse_param(text):
    if text == "null":
        return None
    prefix, sep, rest = text.partition(":")
    if sep:
        if prefix == "i":
            return int(rest)
        if prefix == "f":
            return float(rest)
        if prefix == "b":
            if rest.lower() not in ("true", "false"):
                raise ValueError("b: parameter must be true or false, got %r" % rest)
            return rest.lower() == "true"
        if prefix == "s":
            return rest
    return text


def convert(value):
    if value is None or isinstance(value, (bool, int)):
        return value
    return str(value)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", required=True, type=int)
    ap.add_argument("--user", required=True)
    ap.add_argument("--catalog")
    ap.add_argument("--schema")
    ap.add_argument("--http-scheme", default="http", choices=["http", "https"])
    ap.add_argument("--source", default="querygate-py-query")
    ap.add_argument("--session", action="append", default=[], metavar="KEY=VALUE",
                    help="session property (repeatable)")
    ap.add_argument("--request-timeout", type=float, default=60.0)
    ap.add_argument("--password", help="basic authentication (needs https)")
    ap.add_argument("--access-token", help="JWT bearer authentication (needs https)")
    ap.add_argument("--ca-file", help="CA bundle to verify the server certificate")
    ap.add_argument("--encoding", help="spooling protocol encoding to ask for (json, json+zstd, json+lz4)")
    ap.add_argument("--sql", required=True)
    ap.add_argument("--param", action="append", default=None, metavar="VALUE",
                    help="statement parameter (repeatable); see module doc")
    args = ap.parse_args(argv)

    session = {}
    for item in args.session:
        key, sep, value = item.partition("=")
        if not sep or not key:
            ap.error("--session needs KEY=VALUE, got %r" % item)
        session[key] = value
    try:
        params = None if args.param is None else [parse_param(p) for p in args.param]
    except ValueError as exc:
        ap.error("bad --param: %s" % exc)

    extra = {}
    if args.password is not None:
        from trino.auth import BasicAuthentication
        extra["auth"] = BasicAuthentication(args.user, args.password)
    elif args.access_token is not None:
        from trino.auth import JWTAuthentication
        extra["auth"] = JWTAuthentication(args.access_token)
    if args.ca_file is not None:
        extra["verify"] = args.ca_file
    if args.encoding is not None:
        extra["encoding"] = args.encoding
    conn = dbapi.connect(
        **extra,
        host=args.host,
        port=args.port,
        user=args.user,
        catalog=args.catalog,
        schema=args.schema,
        http_scheme=args.http_scheme,
        source=args.source,
        session_properties=session or None,
        request_timeout=args.request_timeout,
    )
    try:
        cur = conn.cursor()
        if params is None:
            cur.execute(args.sql)
        else:
            cur.execute(args.sql, params)
        rows = cur.fetchall()
        columns = [{"name": d[0], "type_code": d[1]} for d in (cur.description or [])]
        result = {"columns": columns, "rows": [[convert(v) for v in row] for row in rows]}
        update_type = getattr(cur, "update_type", None)
        if update_type:
            result["updateType"] = update_type
            result["rowcount"] = cur.rowcount
    except trino_exceptions.TrinoQueryError as exc:
        loc = exc.error_location
        print(json.dumps({"error": {
            "name": exc.error_name,
            "type": exc.error_type,
            "message": exc.message,
            "location": list(loc) if loc else None,
            "queryId": exc.query_id,
        }}))
        return 2
    except (trino_exceptions.Error, trino_exceptions.HttpError,
            requests.exceptions.RequestException) as exc:
        print(json.dumps({"error": {
            "name": type(exc).__name__,
            "type": "CLIENT_ERROR",
            "message": str(exc),
            "location": None,
        }}))
        return 2
    finally:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - closing is best effort
            pass
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
