"""An independent check of a Praxis credential: reads {"jwk": ..., "token": ...} on stdin,
verifies the compact JWS with joserfc (EdDSA over Ed25519, the issuer's public JWK) and prints
{"valid": true, "header": ..., "payload": ...} or {"valid": false, "error": ...}."""

import json
import sys
import warnings

from joserfc import jwk, jws

# joserfc warns that the "EdDSA" name is superseded by "Ed25519" (RFC 9864); both mean Ed25519
# here, and VC-JOSE issuers still write "EdDSA".
warnings.simplefilter("ignore")

data = json.load(sys.stdin)
key = jwk.import_key(data["jwk"])
try:
    verified = jws.deserialize_compact(data["token"], key, algorithms=["EdDSA"])
    print(json.dumps({
        "valid": True,
        "header": verified.headers(),
        "payload": json.loads(verified.payload),
    }))
except Exception as error:  # noqa: BLE001 - any failure is a failed verification
    print(json.dumps({"valid": False, "error": type(error).__name__}))
