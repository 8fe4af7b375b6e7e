#!/usr/bin/env bash
# Regenerates the OpenSSL-made test certificates in this folder.
# Usage (from anywhere): bash tests/data/openssl/generate.sh
#
# Makes what rcgen/ring cannot: RSA keys, RSA-1024, MD5 and SHA-1 signatures,
# PKCS#12 in modern and legacy encodings, PKCS#7 bundles.
# Idempotent: deletes its outputs and recreates them. Keys are random, so
# contents differ between runs; file names, subjects, serials and extensions do not.
set -euo pipefail

OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OPENSSL="${OPENSSL:-openssl}"
DAYS=36500
PFX_PASS='Marker-Pfx-Pass-123'

OUTPUTS=(
  rsa-root.pem rsa-issuing.pem rsa-leaf.pem rsa-leaf.key rsa-chain.pem
  rsa-chain.p7b rsa-chain-p7b.pem rsa-leaf.der rsa-leaf-truncated.der
  rsa-modern.pfx rsa-legacy.pfx rsa-nokey.pfx rsa-emptypass.pfx
  weak-root.pem weak-md5-issuing.pem weak-sha1-leaf.pem weak-chain.pem
  restricted-issuing.pem restricted-leaf.pem
)

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Small private config for every openssl call: no reliance on the system
# openssl.cnf. OpenSSL 3.0.x signs with MD5/SHA-1 and makes RSA-1024 keys at its
# default settings; SECLEVEL=0 is a safeguard for builds with stricter defaults.
# The MD5/SHA-1 results are checked at the end of this script.
cat > "$WORK/openssl.cnf" <<'CNF'
openssl_conf = openssl_init

[openssl_init]
ssl_conf = ssl_sect

[ssl_sect]
system_default = system_default_sect

[system_default_sect]
CipherString = DEFAULT@SECLEVEL=0

[req]
distinguished_name = req_dn
prompt = no

[req_dn]
CN = placeholder
CNF
export OPENSSL_CONF="$WORK/openssl.cnf"

# Extension sections for all certificates.
cat > "$WORK/ext.cnf" <<'CNF'
[rsa_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[rsa_issuing]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[rsa_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:pool01.contoso.test, DNS:fe01.contoso.test
crlDistributionPoints = URI:http://pki.contoso.test/crl/issuing.crl
authorityInfoAccess = caIssuers;URI:http://pki.contoso.test/aia/issuing.crt, OCSP;URI:http://ocsp.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[weak_root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash

[weak_issuing]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[weak_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:ocs2007.fabrikam.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[restricted_issuing]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always

[restricted_leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth, clientAuth
subjectAltName = DNS:pool02.contoso.test
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

for f in "${OUTPUTS[@]}"; do rm -f "$OUT/$f"; done

# genkey NAME BITS -> $WORK/NAME.key (PKCS#8, unencrypted)
genkey() {
  "$OPENSSL" genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$WORK/$1.key" 2>/dev/null
}

# One config with [req] and all extension sections, for req -x509 / req -new.
cat "$WORK/openssl.cnf" "$WORK/ext.cnf" > "$WORK/req.cnf"

root() { # NAME SUBJECT DIGEST SERIAL SECTION
  "$OPENSSL" req -new -x509 -config "$WORK/req.cnf" -key "$WORK/$1.key" \
    -subj "$2" "-$3" -days "$DAYS" -set_serial "$4" -extensions "$5" \
    -out "$WORK/$1.pem"
}

sign() { # NAME SUBJECT DIGEST SERIAL SECTION ISSUER
  "$OPENSSL" req -new -config "$WORK/req.cnf" -key "$WORK/$1.key" \
    -subj "$2" -out "$WORK/$1.csr"
  "$OPENSSL" x509 -req -in "$WORK/$1.csr" "-$3" -days "$DAYS" -set_serial "$4" \
    -CA "$WORK/$6.pem" -CAkey "$WORK/$6.key" \
    -extfile "$WORK/ext.cnf" -extensions "$5" -out "$WORK/$1.pem"
}

# --- Healthy RSA-2048 chain, SHA-256 -------------------------------------
genkey rsa-root 2048
genkey rsa-issuing 2048
genkey rsa-leaf 2048
root rsa-root    "/CN=Contoso OpenSSL Root CA"    sha256 0x1001 rsa_root
sign rsa-issuing "/CN=Contoso OpenSSL Issuing CA" sha256 0x1002 rsa_issuing rsa-root
sign rsa-leaf    "/CN=pool01.contoso.test"        sha256 0x1003 rsa_leaf rsa-issuing

cp "$WORK/rsa-root.pem" "$WORK/rsa-issuing.pem" "$WORK/rsa-leaf.pem" "$WORK/rsa-leaf.key" "$OUT/"

{
  echo "Subject: CN=pool01.contoso.test"
  cat "$WORK/rsa-leaf.pem"
  echo "Subject: CN=Contoso OpenSSL Issuing CA"
  cat "$WORK/rsa-issuing.pem"
  echo "Subject: CN=Contoso OpenSSL Root CA"
  cat "$WORK/rsa-root.pem"
  echo "Exported by certwiz test generator - end of chain"
} > "$OUT/rsa-chain.pem"

P7_ARGS=(-nocrl -certfile "$WORK/rsa-leaf.pem" -certfile "$WORK/rsa-issuing.pem" -certfile "$WORK/rsa-root.pem")
"$OPENSSL" crl2pkcs7 "${P7_ARGS[@]}" -outform DER -out "$OUT/rsa-chain.p7b"
"$OPENSSL" crl2pkcs7 "${P7_ARGS[@]}" -outform PEM -out "$OUT/rsa-chain-p7b.pem"

"$OPENSSL" x509 -in "$WORK/rsa-leaf.pem" -outform DER -out "$OUT/rsa-leaf.der"
head -c 400 "$OUT/rsa-leaf.der" > "$OUT/rsa-leaf-truncated.der"

cat "$WORK/rsa-issuing.pem" "$WORK/rsa-root.pem" > "$WORK/rsa-cas.pem"
cat "$WORK/rsa-leaf.pem" "$WORK/rsa-issuing.pem" "$WORK/rsa-root.pem" > "$WORK/rsa-all.pem"

# OpenSSL 3 defaults: AES-256-CBC, PBKDF2, HMAC-SHA256.
"$OPENSSL" pkcs12 -export -name "pool01.contoso.test" \
  -inkey "$WORK/rsa-leaf.key" -in "$WORK/rsa-leaf.pem" -certfile "$WORK/rsa-cas.pem" \
  -passout "pass:$PFX_PASS" -out "$OUT/rsa-modern.pfx"

# Legacy (Windows "TripleDES-SHA1" style): 3DES for key and certs, SHA-1 MAC.
"$OPENSSL" pkcs12 -export -name "pool01.contoso.test" \
  -keypbe PBE-SHA1-3DES -certpbe PBE-SHA1-3DES -macalg sha1 \
  -inkey "$WORK/rsa-leaf.key" -in "$WORK/rsa-leaf.pem" -certfile "$WORK/rsa-cas.pem" \
  -passout "pass:$PFX_PASS" -out "$OUT/rsa-legacy.pfx"

# Certificates only.
"$OPENSSL" pkcs12 -export -nokeys -in "$WORK/rsa-all.pem" \
  -passout "pass:$PFX_PASS" -out "$OUT/rsa-nokey.pfx"

# Leaf + key, empty password.
"$OPENSSL" pkcs12 -export -name "pool01.contoso.test" \
  -inkey "$WORK/rsa-leaf.key" -in "$WORK/rsa-leaf.pem" \
  -passout pass: -out "$OUT/rsa-emptypass.pfx"

# --- Legacy / weak chain (OCS 2007 era) -----------------------------------
genkey weak-root 1024
genkey weak-md5-issuing 2048
genkey weak-sha1-leaf 1024
root weak-root        "/CN=Fabrikam Legacy Root"    sha1 0x2001 weak_root
sign weak-md5-issuing "/CN=Fabrikam MD5 Issuing CA" md5  0x2002 weak_issuing weak-root
sign weak-sha1-leaf   "/CN=ocs2007.fabrikam.test"   sha1 0x2003 weak_leaf weak-md5-issuing

cp "$WORK/weak-root.pem" "$WORK/weak-md5-issuing.pem" "$WORK/weak-sha1-leaf.pem" "$OUT/"
cat "$WORK/weak-sha1-leaf.pem" "$WORK/weak-md5-issuing.pem" "$WORK/weak-root.pem" > "$OUT/weak-chain.pem"

# --- EKU-restricted intermediate (serverAuth only) -------------------------
genkey restricted-issuing 2048
genkey restricted-leaf 2048
sign restricted-issuing "/CN=Contoso Server-Only Issuing CA" sha256 0x3001 restricted_issuing rsa-root
sign restricted-leaf    "/CN=pool02.contoso.test"            sha256 0x3002 restricted_leaf restricted-issuing
cp "$WORK/restricted-issuing.pem" "$WORK/restricted-leaf.pem" "$OUT/"

# --- Sanity checks ----------------------------------------------------------
sigalg() { "$OPENSSL" x509 -in "$OUT/$1" -noout -text | grep -m1 'Signature Algorithm' | awk '{print $3}'; }
[ "$(sigalg weak-md5-issuing.pem)" = md5WithRSAEncryption ] || { echo "MD5 signing failed" >&2; exit 1; }
[ "$(sigalg weak-sha1-leaf.pem)" = sha1WithRSAEncryption ] || { echo "SHA-1 signing failed" >&2; exit 1; }
[ "$(sigalg weak-root.pem)" = sha1WithRSAEncryption ] || { echo "SHA-1 root failed" >&2; exit 1; }
"$OPENSSL" verify -CAfile "$OUT/rsa-root.pem" -untrusted "$OUT/rsa-issuing.pem" "$OUT/rsa-leaf.pem" >/dev/null

for f in "${OUTPUTS[@]}"; do chmod 644 "$OUT/$f"; done
echo "Generated ${#OUTPUTS[@]} files in $OUT with $("$OPENSSL" version)"
