#!/usr/bin/env python3
"""Mint drs-edge signed sample URLs from any Python backend (standard library only).

The scheme is specified in docs/signed_urls.md. Usage:

    from sign import sign_url
    url = sign_url("https://samples.example", "grid25", {"n": 16, "seed": 7},
                   kid="k1", secret="...at least 32 bytes...", expires_at=1767225600)

Command line:

    python3 sign.py --vectors docs/signed_urls/vectors.json     # check the test vectors
    python3 sign.py --base URL --kid K --secret S --model M --seed 7 [--n 16] [--ttl 3600] \\
        [--format png|json] [--param key=value ...]             # print one URL
"""

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
from urllib.parse import quote


def encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8: only A-Z a-z 0-9 - _ . ~ stay as they are."""
    return quote(str(text), safe="-_.~")


def canonical_string(method: str, path: str, pairs) -> str:
    """METHOD, path and the sorted, encoded query pairs (sig left out), joined by newlines."""
    encoded = sorted((encode(k), encode(v)) for k, v in pairs if k != "sig")
    return f"{method.upper()}\n{path}\n" + "&".join(f"{k}={v}" for k, v in encoded)


def signature(secret: str, canonical: str) -> str:
    """base64url (no padding) of HMAC-SHA256 keyed with the secret's UTF-8 bytes."""
    mac = hmac.new(secret.encode("utf-8"), canonical.encode("utf-8"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")


def sign_path(path: str, params, kid: str, secret: str, expires_at: int, method="GET") -> str:
    """`path?<canonical query>&sig=..` for `params` (a dict or (key, value) pairs): the one
    spelling the server serves (the signed pairs sorted and encoded, then `sig`)."""
    pairs = [(str(k), str(v)) for k, v in (params.items() if hasattr(params, "items") else params)]
    pairs = [(k, v) for k, v in pairs if k not in ("exp", "kid", "sig")]
    pairs += [("exp", str(int(expires_at))), ("kid", kid)]
    canonical = canonical_string(method, path, pairs)
    query = canonical.split("\n", 2)[2]
    return f"{path}?{query}&sig={signature(secret, canonical)}"


def sign_url(base: str, model: str, params, kid: str, secret: str, expires_at: int, fmt="png") -> str:
    """A signed URL for `/v1/s/<model>.<fmt>` on `base` (its path is replaced)."""
    if len(secret.encode("utf-8")) < 32:
        raise ValueError("Cannot sign as the secret must be at least 32 bytes")
    return base.rstrip("/") + sign_path(f"/v1/s/{model}.{fmt}", params, kid, secret, expires_at)


def check_vectors(path: str) -> int:
    failed = 0
    for case in json.load(open(path, encoding="utf-8"))["cases"]:
        key, pairs = case["key"], case["params"]
        with_sig = pairs + [("exp", str(case["exp"])), ("kid", key["kid"])]
        canonical = canonical_string(case["method"], case["path"], with_sig)
        sig = signature(key["secret"], canonical)
        url = case["base"] + sign_path(case["path"], pairs, key["kid"], key["secret"], case["exp"])
        ok = canonical == case["canonical"] and sig == case["sig"] and url == case["url"]
        print(("ok   " if ok else "FAIL ") + case["name"])
        failed += not ok
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description="Mint or check drs-edge signed sample URLs.")
    parser.add_argument("--vectors")
    parser.add_argument("--base", default="http://localhost:8000")
    parser.add_argument("--kid")
    parser.add_argument("--secret")
    parser.add_argument("--model")
    parser.add_argument("--seed", type=int)
    parser.add_argument("--n", type=int, default=1)
    parser.add_argument("--ttl", type=int, default=3600)
    parser.add_argument("--exp", type=int, help="expiry, unix seconds (instead of --ttl)")
    parser.add_argument("--format", default="png", choices=["png", "json"])
    parser.add_argument("--param", action="append", default=[], help="key=value")
    args = parser.parse_args()
    if args.vectors:
        return 1 if check_vectors(args.vectors) else 0
    if not (args.kid and args.secret and args.model and args.seed is not None):
        parser.error("--kid, --secret, --model and --seed are required to mint a URL")
    params = [("n", str(args.n)), ("seed", str(args.seed))]
    params += [tuple(p.split("=", 1)) for p in args.param]
    expires_at = args.exp if args.exp is not None else int(time.time()) + args.ttl
    print(sign_url(args.base, args.model, params, args.kid, args.secret, expires_at, args.format))
    return 0


if __name__ == "__main__":
    sys.exit(main())
