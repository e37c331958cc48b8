#!/usr/bin/env python3
"""Browse through the SQLAlchemy inspector of the real Trino Python client (trino.sqlalchemy)
and print the answer as one JSON document on stdout.

    py_inspect.py --host H --port P --user U --catalog C [--schema S]
                  --call get_schema_names|get_table_names|get_view_names|get_columns [--table T]

Success (exit 0): {"result": ...}; get_columns gives [{"name", "type" (the SQLAlchemy type as
text), "nullable", "default", "comment"}]. Error (exit 2): {"error": {"name", "message"}}.
"""

import argparse
import json
import sys

from sqlalchemy import create_engine, inspect


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--port", required=True, type=int)
    parser.add_argument("--user", required=True)
    parser.add_argument("--catalog", required=True)
    parser.add_argument("--schema")
    parser.add_argument("--call", required=True)
    parser.add_argument("--table")
    args = parser.parse_args()
    url = "trino://%s@%s:%d/%s" % (args.user, args.host, args.port, args.catalog)
    if args.schema:
        url += "/" + args.schema
    engine = create_engine(url)
    try:
        inspector = inspect(engine)
        if args.call == "get_schema_names":
            result = inspector.get_schema_names()
        elif args.call == "get_table_names":
            result = inspector.get_table_names(schema=args.schema)
        elif args.call == "get_view_names":
            result = inspector.get_view_names(schema=args.schema)
        elif args.call == "get_columns":
            result = [
                {
                    "name": c["name"],
                    "type": str(c["type"]),
                    "nullable": c["nullable"],
                    "default": c.get("default"),
                    "comment": c.get("comment"),
                }
                for c in inspector.get_columns(args.table, schema=args.schema)
            ]
        else:
            parser.error("unknown --call " + args.call)
    except Exception as exc:  # every client-side failure is reported, not raised
        print(json.dumps({"error": {"name": type(exc).__name__, "message": str(exc)}}))
        sys.exit(2)
    finally:
        engine.dispose()
    print(json.dumps({"result": result}))


if __name__ == "__main__":
    main()
