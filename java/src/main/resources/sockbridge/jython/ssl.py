"""ssl for Jython on sockbridge: CPython 2.7.18's ssl module over rustls (org.sockbridge.Tls*).

The module follows CPython 2.7.18's ssl.py; what CPython's C module _ssl does (contexts, the
TLS object under an SSLSocket) is done here by _SSLContext and _SSLObject on the Java facade,
and is also reachable as ssl._ssl / `import _ssl`. One certificate policy (TlsPolicy) sits under
both this module and the Java API. Differences from OpenSSL (TLS 1.2/1.3 only, no NPN, ...)
are listed in the README.
"""

import base64
import errno
import os
import re
import sys
import textwrap
import types
import warnings
from collections import namedtuple
from contextlib import closing

import _socket
from _socket import (socket, _fileobject, error as socket_error, AF_INET, SOCK_STREAM,
                     SOL_SOCKET, SO_TYPE)
from socket import create_connection
from java.lang import IllegalArgumentException as _JIllegalArgument
from java.util import ArrayList as _ArrayList
from org.sockbridge import SocketError as _JSocketError
from org.sockbridge import SocketTimeout as _JSocketTimeout
from org.sockbridge import TlsContext as _Context
from org.sockbridge import TlsError as _JTlsError
from org.sockbridge import TlsPolicy as _Policy
from org.sockbridge import TlsSocket as _TlsSocket
from org.sockbridge.jython import PyBridge as _bridge
from org.sockbridge.jython import PySsl as _PySsl

_tls_read = _bridge.tlsRead
_tls_write = _PySsl.write

_delegate_methods = ('recv', 'recvfrom', 'recv_into', 'recvfrom_into', 'send', 'sendto')

# ---- constants (CPython 2.7.18's values) -----------------------------------------------------

PROTOCOL_TLS = 2
PROTOCOL_TLSv1 = 3
PROTOCOL_TLSv1_1 = 4
PROTOCOL_TLSv1_2 = 5
_PROTOCOL_NAMES = {PROTOCOL_TLS: 'PROTOCOL_TLS', PROTOCOL_TLSv1: 'PROTOCOL_TLSv1',
                   PROTOCOL_TLSv1_1: 'PROTOCOL_TLSv1_1', PROTOCOL_TLSv1_2: 'PROTOCOL_TLSv1_2'}
PROTOCOL_SSLv23 = PROTOCOL_TLS
_SSLv2_IF_EXISTS = None

CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = 0, 1, 2

OP_ALL = 0x80000050
OP_NO_SSLv2 = 0
OP_NO_SSLv3 = 0x02000000
OP_NO_TLSv1 = 0x04000000
OP_NO_TLSv1_1 = 0x10000000
OP_NO_TLSv1_2 = 0x08000000
OP_NO_TLSv1_3 = 0x20000000
OP_NO_COMPRESSION = 0x00020000
OP_CIPHER_SERVER_PREFERENCE = 0x00400000
OP_SINGLE_DH_USE = 0
OP_SINGLE_ECDH_USE = 0
OP_ENABLE_MIDDLEBOX_COMPAT = 0x00100000

VERIFY_DEFAULT = 0
VERIFY_CRL_CHECK_LEAF = 4
VERIFY_CRL_CHECK_CHAIN = 12
VERIFY_X509_STRICT = 32
VERIFY_X509_TRUSTED_FIRST = 32768

SSL_ERROR_SSL = 1
SSL_ERROR_WANT_READ = 2
SSL_ERROR_WANT_WRITE = 3
SSL_ERROR_WANT_X509_LOOKUP = 4
SSL_ERROR_SYSCALL = 5
SSL_ERROR_ZERO_RETURN = 6
SSL_ERROR_WANT_CONNECT = 7
SSL_ERROR_EOF = 8
SSL_ERROR_INVALID_ERROR_CODE = 10

ALERT_DESCRIPTION_CLOSE_NOTIFY = 0
ALERT_DESCRIPTION_UNEXPECTED_MESSAGE = 10
ALERT_DESCRIPTION_BAD_RECORD_MAC = 20
ALERT_DESCRIPTION_RECORD_OVERFLOW = 22
ALERT_DESCRIPTION_DECOMPRESSION_FAILURE = 30
ALERT_DESCRIPTION_HANDSHAKE_FAILURE = 40
ALERT_DESCRIPTION_BAD_CERTIFICATE = 42
ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE = 43
ALERT_DESCRIPTION_CERTIFICATE_REVOKED = 44
ALERT_DESCRIPTION_CERTIFICATE_EXPIRED = 45
ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN = 46
ALERT_DESCRIPTION_ILLEGAL_PARAMETER = 47
ALERT_DESCRIPTION_UNKNOWN_CA = 48
ALERT_DESCRIPTION_ACCESS_DENIED = 49
ALERT_DESCRIPTION_DECODE_ERROR = 50
ALERT_DESCRIPTION_DECRYPT_ERROR = 51
ALERT_DESCRIPTION_PROTOCOL_VERSION = 70
ALERT_DESCRIPTION_INSUFFICIENT_SECURITY = 71
ALERT_DESCRIPTION_INTERNAL_ERROR = 80
ALERT_DESCRIPTION_USER_CANCELLED = 90
ALERT_DESCRIPTION_NO_RENEGOTIATION = 100
ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION = 110
ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE = 111
ALERT_DESCRIPTION_UNRECOGNIZED_NAME = 112
ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE = 113
ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE = 114
ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY = 115

HAS_SNI = True
HAS_ALPN = True
HAS_ECDH = True
HAS_NPN = False
HAS_TLSv1_3 = True
HAS_TLS_UNIQUE = False
CHANNEL_BINDING_TYPES = []
# Not OpenSSL: these name the TLS library actually in use (rustls). OPENSSL_VERSION_INFO keeps
# CPython's 5-tuple shape so version comparisons in callers still work.
OPENSSL_VERSION = 'rustls 0.23 (ring) via sockbridge'
OPENSSL_VERSION_INFO = (0, 23, 0, 0, 0)
OPENSSL_VERSION_NUMBER = 0x00230000L
_OPENSSL_API_VERSION = OPENSSL_VERSION_INFO

_DEFAULT_CIPHERS = (
    'TLS13-AES-256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:'
    'TLS13-AES-128-GCM-SHA256:'
    'ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:'
    'ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:RSA+HIGH:'
    '!aNULL:!eNULL:!MD5:!3DES'
)
_RESTRICTED_SERVER_CIPHERS = (
    'TLS13-AES-256-GCM-SHA384:TLS13-CHACHA20-POLY1305-SHA256:'
    'TLS13-AES-128-GCM-SHA256:'
    'ECDH+AESGCM:ECDH+CHACHA20:DH+AESGCM:DH+CHACHA20:ECDH+AES256:DH+AES256:'
    'ECDH+AES128:DH+AES:ECDH+HIGH:DH+HIGH:RSA+AESGCM:RSA+AES:RSA+HIGH:'
    '!aNULL:!eNULL:!MD5:!DSS:!RC4:!3DES'
)

# ---- exceptions ------------------------------------------------------------------------------


class SSLError(socket_error):
    """An error in the SSL implementation: args == (code, message); .reason, .library."""

    reason = None
    library = None

    def __str__(self):
        # _ssl.c's SSLError_str: the strerror the arguments set (two or three of them), else
        # str(args), so SSLError('The read operation timed out') reads "('The read ...',)".
        strerror = self.strerror
        if strerror is not None:
            return strerror
        return str(self.args)


class SSLZeroReturnError(SSLError):
    """SSL/TLS session closed cleanly."""


class SSLWantReadError(SSLError):
    """Non-blocking SSL socket needs to read more data before the requested operation can be
    completed."""


class SSLWantWriteError(SSLError):
    """Non-blocking SSL socket needs to write more data before the requested operation can be
    completed."""


class SSLSyscallError(SSLError):
    """System error when attempting SSL operation."""


class SSLEOFError(SSLError):
    """SSL/TLS connection terminated abruptly."""


class CertificateError(ValueError):
    pass


# CPython 2.7's _ssl reports TLS timeouts as SSLError (the handshake's with its source line).
_TIMEOUT_TEXT = {'handshake': '_ssl.c:711: The handshake operation timed out',
                 'read': 'The read operation timed out',
                 'write': 'The write operation timed out'}


def _lib_error(library, reason, text):
    """An SSLError as OpenSSL's library/reason pair produces it: '[LIB: REASON] text'."""
    err = SSLError(SSL_ERROR_SSL, '[%s: %s] %s' % (library, reason, text))
    err.library = library
    err.reason = reason
    return err


def _ssl_error(e, op='read'):
    """The Python exception for a Java TlsError / SocketError from the TLS layer."""
    if isinstance(e, _JSocketTimeout):
        return SSLError(_TIMEOUT_TEXT.get(op, 'timed out'))
    if not isinstance(e, _JTlsError):
        if e.errno() == 0:
            return socket_error(str(e.strerror()))
        return socket_error(e.errno(), str(e.strerror()))
    reason = str(e.reason().toString())
    text = str(e.getMessage())
    if reason == 'WANT_READ':
        err = SSLWantReadError(SSL_ERROR_WANT_READ, 'The operation did not complete (read)')
    elif reason == 'WANT_WRITE':
        err = SSLWantWriteError(SSL_ERROR_WANT_WRITE, 'The operation did not complete (write)')
    elif reason == 'ZERO_RETURN':
        err = SSLZeroReturnError(SSL_ERROR_ZERO_RETURN, 'TLS/SSL connection has been closed (EOF)')
    elif reason == 'UNEXPECTED_EOF_WHILE_READING':
        err = SSLEOFError(SSL_ERROR_EOF, 'EOF occurred in violation of protocol')
    elif reason == 'CERTIFICATE_VERIFY_FAILED':
        err = SSLError(SSL_ERROR_SSL, '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed')
        # Beyond CPython 2.7 (which has only the text): OpenSSL's verify code and message.
        err.verify_code = e.verifyCode()
        err.verify_message = text.split('] ', 1)[-1].replace('certificate verify failed: ', '')
    elif re.match(r'^\[SSL: \w+\] (sslv3|tlsv1|tlsv13) alert ', text):
        # A received alert: OpenSSL's reason is its text in capitals.
        alert = text.split('] ', 1)[1]
        reason = alert.upper().replace(' ', '_')
        err = SSLError(SSL_ERROR_SSL, '[SSL: %s] %s' % (reason, alert))
    elif text.endswith('] no shared cipher'):
        reason = 'NO_SHARED_CIPHER'
        err = SSLError(SSL_ERROR_SSL, '[SSL: NO_SHARED_CIPHER] no shared cipher')
    else:
        err = SSLError(SSL_ERROR_SSL, text)
    err.reason = reason
    err.library = 'SSL'
    return err


# ---- host names (CPython 2.7.18's code) ------------------------------------------------------


def _dnsname_match(dn, hostname, max_wildcards=1):
    """Matching according to RFC 6125, section 6.4.3."""
    pats = []
    if not dn:
        return False
    pieces = dn.split(r'.')
    leftmost = pieces[0]
    remainder = pieces[1:]
    wildcards = leftmost.count('*')
    if wildcards > max_wildcards:
        raise CertificateError(
            "too many wildcards in certificate DNS name: " + repr(dn))
    if not wildcards:
        return dn.lower() == hostname.lower()
    if leftmost == '*':
        pats.append('[^.]+')
    elif leftmost.startswith('xn--') or hostname.startswith('xn--'):
        pats.append(re.escape(leftmost))
    else:
        pats.append(re.escape(leftmost).replace(r'\*', '[^.]*'))
    for frag in remainder:
        pats.append(re.escape(frag))
    pat = re.compile(r'\A' + r'\.'.join(pats) + r'\Z', re.IGNORECASE)
    return pat.match(hostname)


def match_hostname(cert, hostname):
    """Verify that *cert* (in decoded format as returned by SSLSocket.getpeercert()) matches
    the *hostname*. RFC 2818 and RFC 6125 rules are followed, but IP addresses are not
    accepted for *hostname* (as in CPython 2.7.18). CertificateError is raised on failure."""
    if not cert:
        raise ValueError("empty or no certificate, match_hostname needs a "
                         "SSL socket or SSL context with either "
                         "CERT_OPTIONAL or CERT_REQUIRED")
    dnsnames = []
    san = cert.get('subjectAltName', ())
    for key, value in san:
        if key == 'DNS':
            if _dnsname_match(value, hostname):
                return
            dnsnames.append(value)
    if not dnsnames:
        for sub in cert.get('subject', ()):
            for key, value in sub:
                if key == 'commonName':
                    if _dnsname_match(value, hostname):
                        return
                    dnsnames.append(value)
    if len(dnsnames) > 1:
        raise CertificateError("hostname %r "
                               "doesn't match either of %s"
                               % (hostname, ', '.join(map(repr, dnsnames))))
    elif len(dnsnames) == 1:
        raise CertificateError("hostname %r "
                               "doesn't match %r"
                               % (hostname, dnsnames[0]))
    else:
        raise CertificateError("no appropriate commonName or "
                               "subjectAltName fields were found")


# ---- certificates ----------------------------------------------------------------------------

PEM_HEADER = "-----BEGIN CERTIFICATE-----"
PEM_FOOTER = "-----END CERTIFICATE-----"


def DER_cert_to_PEM_cert(der_cert_bytes):
    """Takes a certificate in binary DER format and returns the PEM version of it as a string."""
    f = base64.standard_b64encode(der_cert_bytes).decode('ascii')
    return (PEM_HEADER + '\n' +
            textwrap.fill(f, 64) + '\n' +
            PEM_FOOTER + '\n')


def PEM_cert_to_DER_cert(pem_cert_string):
    """Takes a certificate in ASCII PEM format and returns the DER-encoded version of it."""
    if not pem_cert_string.startswith(PEM_HEADER):
        raise ValueError("Invalid PEM encoding; must start with %s"
                         % PEM_HEADER)
    if not pem_cert_string.strip().endswith(PEM_FOOTER):
        raise ValueError("Invalid PEM encoding; must end with %s"
                         % PEM_FOOTER)
    d = pem_cert_string.strip()[len(PEM_HEADER):-len(PEM_FOOTER)]
    return base64.decodestring(d.encode('ASCII', 'strict'))


def cert_time_to_seconds(cert_time):
    """Return the time in seconds since the Epoch, given the timestring representing the
    "notBefore" or "notAfter" date from a certificate ("%b %d %H:%M:%S %Y %Z", C locale)."""
    from time import strptime
    from calendar import timegm

    months = (
        "Jan", "Feb", "Mar", "Apr", "May", "Jun",
        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
    )
    time_format = ' %d %H:%M:%S %Y GMT'
    try:
        month_number = months.index(cert_time[:3].title()) + 1
    except ValueError:
        raise ValueError('time data %r does not match '
                         'format "%%b%s"' % (cert_time, time_format))
    else:
        tt = strptime(cert_time[3:], time_format)
        return timegm((tt[0], month_number) + tt[2:6])


def _decode_cert(der):
    """getpeercert()'s dict for a DER certificate (a new dict each call, as _ssl's)."""
    if not isinstance(der, str):
        return _decode_cert_uncached(der)
    cert = _DECODED.get(der)
    if cert is None:
        cert = _decode_cert_uncached(der)
        _remember(_DECODED, der, cert)
    return dict(cert)


def _remember(cache, key, value):
    """Keeps `value` for `key` in one of the small caches below (cleared when full)."""
    if len(cache) >= _CACHE_SIZE:
        cache.clear()
    cache[key] = value


# The per-connection work that depends only on its inputs, done once: the dict of a DER
# certificate (getpeercert(), match_hostname()), the suites of a cipher string (every
# SSLContext runs set_ciphers), the check of a CA file's contents (load_verify_locations).
# The values are never handed out themselves: callers get copies.
_CACHE_SIZE = 64
_DECODED = {}
_CIPHER_CHOICES = {}
_PROBED = {}
_PROBE_KEY_MAX = 65536  # bundles larger than this are checked each time (not kept as keys)


def _decode_cert_uncached(der):
    info = _TlsSocket.decodeCertificate(_bridge.bytesOf(der))
    fields = info.fields
    # CPython 2.7's _ssl types, exactly: attribute values, serialNumber, notBefore and the
    # AIA/CRL URIs are unicode; names, notAfter and subjectAltName values are str; version a long.
    rdn = lambda rdns: tuple(tuple((str(a[0]), unicode(a[1])) for a in r) for r in rdns)
    cert = {
        'subject': rdn(info.subject),
        'issuer': rdn(info.issuer),
        'version': long(fields.get('version')),
        'serialNumber': unicode(fields.get('serialNumber')),
        'notBefore': unicode(fields.get('notBefore')),
        'notAfter': str(fields.get('notAfter')),
    }
    if info.subjectAltName.size():
        cert['subjectAltName'] = tuple((str(s[0]), str(s[1])) for s in info.subjectAltName)
    for kind, uri in info.uris:
        cert[str(kind)] = cert.get(str(kind), ()) + (unicode(uri),)
    return cert


def _test_decode_cert(path):
    """The dict of the first certificate in a PEM file (_ssl._test_decode_cert)."""
    with open(path, 'rb') as f:
        pem = f.read()
    start = pem.find(PEM_HEADER)
    end = pem.find(PEM_FOOTER, start)
    if start < 0 or end < 0:
        raise SSLError(SSL_ERROR_SSL, '[PEM: NO_START_LINE] no start line')
    return _decode_cert(PEM_cert_to_DER_cert(pem[start:end + len(PEM_FOOTER)]))


# ---- default paths, ASN.1 objects ------------------------------------------------------------

DefaultVerifyPaths = namedtuple("DefaultVerifyPaths",
                                "cafile capath openssl_cafile_env openssl_cafile openssl_capath_env "
                                "openssl_capath")


def _get_default_verify_paths():
    # Debian's OpenSSL directory; set_default_verify_paths() trusts the same system store.
    return ('SSL_CERT_FILE', '/usr/lib/ssl/cert.pem', 'SSL_CERT_DIR', '/usr/lib/ssl/certs')


def get_default_verify_paths():
    """Return paths to default cafile and capath."""
    parts = _get_default_verify_paths()
    cafile = os.environ.get(parts[0], parts[1])
    capath = os.environ.get(parts[2], parts[3])
    return DefaultVerifyPaths(cafile if os.path.isfile(cafile) else None,
                              capath if os.path.isdir(capath) else None,
                              *parts)


# OpenSSL's object table, for the objects the ssl module uses (the extended key usages).
_OBJECTS = [
    (129, 'serverAuth', 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.1'),
    (130, 'clientAuth', 'TLS Web Client Authentication', '1.3.6.1.5.5.7.3.2'),
    (131, 'codeSigning', 'Code Signing', '1.3.6.1.5.5.7.3.3'),
    (132, 'emailProtection', 'E-mail Protection', '1.3.6.1.5.5.7.3.4'),
    (133, 'timeStamping', 'Time Stamping', '1.3.6.1.5.5.7.3.8'),
    (180, 'OCSPSigning', 'OCSP Signing', '1.3.6.1.5.5.7.3.9'),
    (910, 'anyExtendedKeyUsage', 'Any Extended Key Usage', '2.5.29.37.0'),
]


def _txt2obj(txt, name=False):
    """(nid, shortname, longname, oid) for a dotted OID (or, with name=True, a name too)."""
    for obj in _OBJECTS:
        if txt == obj[3] or (name and txt in (obj[1], obj[2])):
            return obj
    raise ValueError('unknown object %r' % txt)


def _nid2obj(nid):
    """(nid, shortname, longname, oid) for an OpenSSL NID."""
    if nid < 0:
        raise ValueError('NID must be positive.')
    for obj in _OBJECTS:
        if obj[0] == nid:
            return obj
    raise ValueError('unknown NID %i' % nid)


class _ASN1Object(namedtuple("_ASN1Object", "nid shortname longname oid")):
    """ASN.1 object identifier lookup."""
    __slots__ = ()

    def __new__(cls, oid):
        return super(_ASN1Object, cls).__new__(cls, *_txt2obj(oid, name=False))

    @classmethod
    def fromnid(cls, nid):
        """Create _ASN1Object from OpenSSL numeric ID."""
        return super(_ASN1Object, cls).__new__(cls, *_nid2obj(nid))

    @classmethod
    def fromname(cls, name):
        """Create _ASN1Object from short name, long name or OID."""
        return super(_ASN1Object, cls).__new__(cls, *_txt2obj(name, name=True))


class Purpose(_ASN1Object):
    """SSLContext purpose flags with X509v3 Extended Key Usage objects."""


Purpose.SERVER_AUTH = Purpose('1.3.6.1.5.5.7.3.1')
Purpose.CLIENT_AUTH = Purpose('1.3.6.1.5.5.7.3.2')


def RAND_status():
    """True: the system's random source (the kernel's getrandom) is always seeded."""
    return True


def RAND_add(string, entropy):
    """Accepted for compatibility; rustls draws from the kernel's generator."""
    if not isinstance(string, (basestring, bytearray, buffer, memoryview)):
        raise TypeError('must be string or buffer, not %s' % type(string).__name__)
    float(entropy)


# ---- the context (what CPython's _ssl._SSLContext does) --------------------------------------


def _is_ca(der):
    """True for a certificate with basicConstraints CA:TRUE (OpenSSL's X509_check_ca)."""
    from java.io import ByteArrayInputStream
    from java.security.cert import CertificateFactory
    cert = CertificateFactory.getInstance('X.509').generateCertificate(
        ByteArrayInputStream(_bridge.bytesOf(der)))
    return cert.getBasicConstraints() >= 0


def _read_file(path):
    if not isinstance(path, basestring):
        raise TypeError('coercing to Unicode: need string or buffer, %s found' % type(path).__name__)
    try:
        with open(path, 'rb') as f:
            return f.read()
    except IOError as e:
        raise IOError(e.errno or errno.ENOENT, e.strerror or 'No such file or directory')


_ECDH_CURVES = ('prime256v1', 'secp256r1', 'secp384r1', 'secp521r1', 'X25519', 'x25519', 'X448',
                'secp224r1', 'secp256k1', 'brainpoolP256r1', 'brainpoolP384r1', 'brainpoolP512r1')


# OpenSSL cipher-string keywords, as the parts of rustls's OpenSSL suite names they select.
_CIPHER_WORDS = {
    'ALL': (), 'DEFAULT': (), 'HIGH': (), 'COMPLEMENTOFDEFAULT': None, 'AES': ('AES',),
    'AES128': ('AES128',), 'AES256': ('AES256',), 'AESGCM': ('GCM',), 'CHACHA20': ('CHACHA20',),
    'ECDH': ('ECDHE',), 'ECDHE': ('ECDHE',), 'EECDH': ('ECDHE',), 'kECDHE': ('ECDHE',),
    'kEECDH': ('ECDHE',), 'ECDSA': ('ECDSA',), 'aECDSA': ('ECDSA',), 'RSA': ('-RSA-',),
    'aRSA': ('-RSA-',), 'SHA256': ('SHA256',), 'SHA384': ('SHA384',), 'TLSv1.2': (),
    'AEAD': (),
}


def _cipher_keyword(word, tls12):
    """The rustls TLS 1.2 suites an OpenSSL cipher-string element selects."""
    if word in tls12:
        return [word]
    out = list(tls12)
    for part in word.split('+'):
        needs = _CIPHER_WORDS.get(part)
        if needs is None:
            return []
        out = [n for n in out if all(x in n for x in needs)]
    return out


def _supported_ciphers():
    """rustls's suites by their OpenSSL names (fixed for the life of the library)."""
    global _SUPPORTED_CIPHERS
    if _SUPPORTED_CIPHERS is None:
        _SUPPORTED_CIPHERS = tuple(str(n) for n in _Policy.supportedCiphers())
    return _SUPPORTED_CIPHERS


_SUPPORTED_CIPHERS = None


class _SSLContext(object):
    """A TLS configuration: verify mode, trust, our certificate, ciphers, ALPN, SNI callback.
    A Java TlsContext is built from it when a session starts (and rebuilt after a change)."""

    def __init__(self, protocol):
        if protocol not in _PROTOCOL_NAMES:
            raise ValueError('invalid protocol version')
        if protocol in (PROTOCOL_TLSv1, PROTOCOL_TLSv1_1):
            warnings.warn('%s requested: rustls implements TLS 1.2 and 1.3 only, so this context '
                          'negotiates TLS 1.2 or later' % _PROTOCOL_NAMES[protocol],
                          RuntimeWarning, stacklevel=3)
        self._protocol = protocol
        self._trust = []            # ('system',), ('file', path), ('dir', path), ('data', bytes)
        self._identity = None       # (chain PEM, key PEM)
        self._alpn = []
        self._ciphers = []
        self._built = {}
        self._options = (OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION | OP_CIPHER_SERVER_PREFERENCE |
                         OP_ENABLE_MIDDLEBOX_COMPAT)
        self._verify_mode, self._check_hostname = CERT_NONE, False
        self._verify_flags = VERIFY_X509_TRUSTED_FIRST
        self._sni_callback = None
        self._ecdh_curve = None
        self._dh_params = None

    def _changed(self):
        self._built = {}

    def _get_options(self):
        return self._options

    def _set_options(self, value):
        self._options = long(value)
        self._changed()

    options = property(_get_options, _set_options)

    def _get_verify_mode(self):
        return self._verify_mode

    def _set_verify_mode(self, value):
        if not isinstance(value, (int, long)):
            raise TypeError('an integer is required')
        if value not in (CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED):
            raise ValueError('invalid value for verify_mode')
        if value == CERT_NONE and self._check_hostname:
            raise ValueError('Cannot set verify_mode to CERT_NONE when check_hostname is enabled.')
        self._verify_mode = value
        self._changed()

    verify_mode = property(_get_verify_mode, _set_verify_mode)

    def _get_verify_flags(self):
        return self._verify_flags

    def _set_verify_flags(self, value):
        self._verify_flags = long(value)
        self._changed()

    verify_flags = property(_get_verify_flags, _set_verify_flags)

    def _get_check_hostname(self):
        return self._check_hostname

    def _set_check_hostname(self, value):
        value = bool(value)
        if value and self._verify_mode == CERT_NONE:
            raise ValueError('check_hostname needs a SSL context with either CERT_OPTIONAL or CERT_REQUIRED')
        self._check_hostname = value

    check_hostname = property(_get_check_hostname, _set_check_hostname)

    def _probe(self, source):
        """Checks one trust source now, so garbage fails at load time as in CPython."""
        policy = _Policy.secureDefaults().clearTrust()
        try:
            self._apply_trust(policy, [source])
        except _JTlsError, e:
            raise _lib_error('X509', 'NO_CERTIFICATE_OR_CRL_FOUND', 'no certificate or crl found')
        except _JIllegalArgument, e:
            raise TypeError(str(e.getMessage()))
        if source[0] not in ('file', 'data'):
            return
        try:
            for der in policy.caCertificates():
                _TlsSocket.decodeCertificate(der)  # OpenSSL parses each one: so do we
        except _JTlsError, e:
            raise _lib_error('X509', 'PEM_LIB', 'PEM lib')

    @staticmethod
    def _apply_trust(policy, sources):
        for source in sources:
            kind = source[0]
            if kind == 'system':
                policy.trustSystemStore()
            elif kind == 'file':
                policy.trustCaFile(source[1])
            elif kind == 'dir':
                policy.trustCaDirectory(source[1])
            else:
                policy.trustCaData(_bridge.bytesOf(source[1]))

    def load_verify_locations(self, cafile=None, capath=None, cadata=None):
        """Adds trusted CA certificates from a PEM file, a directory, or PEM/DER data."""
        if cafile is None and capath is None and cadata is None:
            raise TypeError('cafile, capath and cadata cannot be all omitted')
        added = []
        contents = {}
        if cafile is not None:
            contents[cafile] = _read_file(cafile)
            added.append(('file', cafile))
        if capath is not None:
            added.append(('dir', capath))
        if cadata is not None:
            if isinstance(cadata, unicode):
                try:
                    cadata = cadata.encode('ascii')
                except UnicodeError:
                    raise TypeError('cadata should be a ASCII string or a bytes-like object')
            elif isinstance(cadata, (bytearray, buffer, memoryview)):
                cadata = bytes(cadata)
            elif not isinstance(cadata, str):
                raise TypeError('cadata should be a ASCII string or a bytes-like object')
            added.append(('data', cadata))
        for source in added:
            # A file's or data's check depends on its bytes only: done once per contents.
            key = None
            if source[0] == 'file':
                key = ('file', contents[source[1]])
            elif source[0] == 'data':
                key = source
            if key is not None and len(key[1]) > _PROBE_KEY_MAX:
                key = None
            if key is None or key not in _PROBED:
                self._probe(source)
                if key is not None:
                    _remember(_PROBED, key, True)
        self._trust.extend(added)
        self._changed()

    def set_default_verify_paths(self):
        """Trusts the system's CA store, or, as OpenSSL, the file and directory named by the
        SSL_CERT_FILE / SSL_CERT_DIR environment variables when they are set."""
        cafile = os.environ.get('SSL_CERT_FILE')
        capath = os.environ.get('SSL_CERT_DIR')
        if cafile is None and capath is None:
            sources = [('system',)]
        else:
            sources = []
            if cafile is not None and os.path.isfile(cafile):
                sources.append(('file', cafile))
            if capath is not None and os.path.isdir(capath):
                sources.append(('dir', capath))
        for source in sources:
            if source not in self._trust:
                self._trust.append(source)
        self._changed()

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        """Our certificate chain and private key (PEM; PKCS#8, PKCS#1 or SEC1 keys)."""
        if password is not None and not (callable(password) or
                                         isinstance(password, (basestring, bytearray))):
            raise TypeError('password should be a string or callable')
        chain = _read_file(certfile)
        key = _read_file(keyfile) if keyfile is not None else chain
        if 'ENCRYPTED' in key and 'PRIVATE KEY' in key:
            if callable(password):
                password = password()
                if not isinstance(password, (basestring, bytearray)):
                    raise TypeError('password callback must return a string')
            raise SSLError(SSL_ERROR_SSL, '[SSL] encrypted private keys are not supported '
                                          '(decrypt the key first)')
        try:
            _Policy.insecureAcceptAnyCertificate().identity(_bridge.bytesOf(chain), _bridge.bytesOf(key))
        except _JTlsError, e:
            msg = str(e.getMessage())
            if 'match' in msg:
                raise SSLError(SSL_ERROR_SSL, '[X509: KEY_VALUES_MISMATCH] key values mismatch')
            raise SSLError(SSL_ERROR_SSL, '[SSL] PEM lib (%s)' % msg)
        self._identity = (chain, key)
        self._changed()

    def set_ciphers(self, spec):
        """Chooses the TLS 1.2 cipher suites with an OpenSSL cipher string (TLS 1.3 suites stay
        on, as in OpenSSL 1.1.1+). Suite names and the keywords that describe rustls's suites
        (AES128, AES256, AESGCM, CHACHA20, ECDHE, ECDSA, RSA, HIGH, DEFAULT, ALL, ...) select as
        OpenSSL does; other keywords select nothing; an empty result is an SSLError."""
        spec = str(spec)
        choice = _CIPHER_CHOICES.get(spec)
        if choice is None:
            choice = self._choose_ciphers(spec)
            _remember(_CIPHER_CHOICES, spec, choice)
        if not choice:
            raise SSLError('No cipher can be selected.')
        self._ciphers = list(choice)
        self._changed()

    @staticmethod
    def _choose_ciphers(spec):
        """The suites an OpenSSL cipher string selects (TLS 1.2 ones first, then TLS 1.3's),
        or () when it selects no TLS 1.2 suite."""
        supported = _supported_ciphers()
        tls12 = [n for n in supported if not n.startswith('TLS_')]
        chosen = []
        removed = set()
        for token in spec.split(':'):
            token = token.strip()
            if not token or token.startswith('@'):
                continue
            op = token[0] if token[0] in '!-+' else ''
            names = _cipher_keyword(token.lstrip('!-+'), tls12)
            if op in ('!', '-'):
                chosen = [n for n in chosen if n not in names]
                if op == '!':
                    removed.update(names)
            else:
                chosen.extend(n for n in names if n not in chosen and n not in removed)
        if not chosen:
            return ()
        return tuple(chosen + [n for n in supported if n.startswith('TLS_')])

    def _set_alpn_protocols(self, protos):
        out = []
        data = bytes(protos)
        i = 0
        while i < len(data):
            n = ord(data[i])
            out.append(data[i + 1:i + 1 + n])
            i += 1 + n
        self._alpn = out
        self._changed()

    def _set_npn_protocols(self, protos):
        raise NotImplementedError("The NPN extension requires OpenSSL 1.0.1 or later.")

    def set_servername_callback(self, method):
        """Server side: method(sslsocket, server_name, context) runs when a client's hello
        arrives (server_name is None without SNI). It may switch sslsocket.context to another
        context, whose certificate is then used; a return value other than None is a TLS alert
        number that fails the handshake; an exception fails it with handshake_failure."""
        if method is not None and not callable(method):
            raise TypeError('not a callable object')
        self._sni_callback = method
        self._changed()

    def set_ecdh_curve(self, name):
        """Checks an OpenSSL curve name. rustls chooses the key-exchange group itself from the
        ones both sides support (X25519, P-256, P-384), so the name does not restrict it."""
        if not isinstance(name, basestring):
            raise TypeError('ECDH curve name must be str, not %s' % type(name).__name__)
        if name not in _ECDH_CURVES:
            raise ValueError('unknown elliptic curve name %r' % name)
        self._ecdh_curve = name

    def load_dh_params(self, path):
        """Reads and checks a PEM DH-parameters file. rustls offers no finite-field DHE suites
        (ECDHE only), so the parameters are never used."""
        if not isinstance(path, basestring):
            raise TypeError('coercing to Unicode: need string or buffer, %s found' % type(path).__name__)
        data = _read_file(path)
        if '-----BEGIN DH PARAMETERS-----' not in data:
            raise _lib_error('PEM', 'NO_START_LINE', 'no start line')
        self._dh_params = data

    def _policy(self, server_side):
        verify = {CERT_NONE: _Policy.Verify.NONE, CERT_OPTIONAL: _Policy.Verify.OPTIONAL,
                  CERT_REQUIRED: _Policy.Verify.REQUIRED}[self._verify_mode]
        policy = _Policy.secureDefaults().clearTrust().verify(verify)
        # The host name is checked after the handshake by match_hostname(), as CPython 2.7 does.
        policy.checkHostname(False)
        # As OpenSSL: no CA loaded is not a configuration error; certificates just fail.
        policy.emptyTrustRejects(True)
        self._apply_trust(policy, self._trust)
        if self._identity is not None:
            policy.identity(_bridge.bytesOf(self._identity[0]), _bridge.bytesOf(self._identity[1]))
        if self._alpn:
            jl = _ArrayList()
            for p in self._alpn:
                jl.add(p)
            policy.alpn(jl)
        if self._ciphers:
            jl = _ArrayList()
            for c in self._ciphers:
                jl.add(c)
            policy.ciphers(jl)
        low = _Policy.TLS1_3 if self._options & OP_NO_TLSv1_2 else 0
        high = _Policy.TLS1_2 if self._options & OP_NO_TLSv1_3 else 0
        if self._protocol == PROTOCOL_TLSv1_2:
            low, high = _Policy.TLS1_2, _Policy.TLS1_2
        policy.versions(low, high)
        return policy

    def _jcontext(self, server_side, alpn=True):
        ctx = self._built.get((server_side, alpn))
        if ctx is None:
            try:
                policy = self._policy(server_side)
                if not alpn:
                    policy.alpn(_ArrayList())
                ctx = _Context.server(policy) if server_side else _Context.client(policy)
            except _JTlsError, e:
                raise _ssl_error(e)
            self._built[(server_side, alpn)] = ctx
        return ctx

    def _wrap_socket(self, sock, server_side, server_hostname=None, ssl_sock=None):
        return _SSLObject(self, ssl_sock if ssl_sock is not None else sock, server_side,
                          server_hostname)

    def cert_store_stats(self):
        """Counts of the certificates loaded: x509 (all) and x509_ca (CA certificates)."""
        ders = self._ca_ders()
        return {'x509_ca': len([d for d in ders if _is_ca(d)]), 'crl': 0, 'x509': len(ders)}

    def _ca_ders(self):
        # Like OpenSSL, a CA directory is read lazily, at verification time: not counted.
        policy = _Policy.secureDefaults().clearTrust()
        self._apply_trust(policy, [s for s in self._trust if s[0] != 'dir'])
        # OpenSSL's store keeps one copy of a certificate added twice (X509_STORE_add_cert).
        seen = set()
        ders = []
        for d in policy.caCertificates():
            d = d.tostring()
            if d not in seen:
                seen.add(d)
                ders.append(d)
        return ders

    def get_ca_certs(self, binary_form=False):
        """The CA certificates loaded (from files and data, not directories), as dicts or DER."""
        ders = [d for d in self._ca_ders() if _is_ca(d)]
        return ders if binary_form else [_decode_cert(d) for d in ders]

    def session_stats(self):
        """Session counters (rustls keeps none that OpenSSL's map onto): all zero."""
        return dict.fromkeys(('number', 'connect', 'connect_good', 'connect_renegotiate', 'accept',
                              'accept_good', 'accept_renegotiate', 'hits', 'misses', 'timeouts',
                              'cache_full'), 0)


# ---- the TLS object under an SSLSocket (what CPython's _ssl._SSLSocket does) -----------------


class _SSLObject(object):
    """One TLS session (a Java TlsSocket), started on first use so that a client may be
    wrapped before it connects."""

    def __init__(self, context, sslsock, server_side, server_hostname):
        self._ctx = context
        self._sslsock = sslsock
        self.server_side = server_side
        self.server_hostname = server_hostname
        self._t = None
        self._handshake_done = False

    def _get_context(self):
        return self._ctx

    def _set_context(self, ctx):
        if not isinstance(ctx, _SSLContext):
            raise TypeError('The value must be a SSLContext')
        self._ctx = ctx

    context = property(_get_context, _set_context)

    def _tls(self):
        t = self._t
        if t is None:
            native = self._sslsock._n()
            alpn = True
            if self.server_side and (self._ctx._sni_callback is not None or self._ctx._alpn):
                alpn = self._client_hello(native)
            jctx = self._ctx._jcontext(self.server_side, alpn)
            try:
                if self.server_side:
                    t = jctx.accept(native)
                else:
                    name = self.server_hostname
                    try:
                        if not name:
                            raise _JIllegalArgument('no name')
                        t = jctx.wrap(native, name)
                    except _JIllegalArgument:
                        # Not a name SNI can carry: no SNI, as OpenSSL sends none for it (the
                        # name is checked by match_hostname, never by rustls).
                        try:
                            t = jctx.wrap(native, str(self._sslsock.getpeername()[0]))
                        except (_JIllegalArgument, socket_error, IndexError, TypeError):
                            t = jctx.wrap(native, '127.0.0.1')
            except _JSocketError, e:
                raise _ssl_error(e, 'handshake')
            self._t = t
        return t

    def _client_hello(self, native):
        """Server side, before the session: runs the SNI callback with the name the client
        asked for (it may switch the socket's context), and tells whether ALPN should be
        offered: as OpenSSL, a server whose protocols share none with the client's goes on
        without ALPN (rustls alone would refuse the handshake)."""
        try:
            hello = _TlsSocket.peekClientHello(native)
        except _JSocketError, e:
            raise _ssl_error(e, 'handshake')
        name = None if hello[0] is None else str(hello[0])
        callback = self._ctx._sni_callback
        if callback is not None:
            try:
                result = callback(self._sslsock, name, self._ctx)
            except Exception:
                # As CPython: the exception is reported as unraisable; the client gets
                # handshake_failure.
                import traceback
                traceback.print_exc()
                self._refuse(native, ALERT_DESCRIPTION_HANDSHAKE_FAILURE)
            if result is not None:
                if not isinstance(result, (int, long)):
                    sys.stderr.write('TypeError: servername callback must return None or an '
                                     'integer, not %s\n' % type(result).__name__)
                    self._refuse(native, ALERT_DESCRIPTION_INTERNAL_ERROR)
                self._refuse(native, result)
        offered = [str(p) for p in hello[1:]]
        return not offered or not self._ctx._alpn or bool(set(offered) & set(self._ctx._alpn))

    def _refuse(self, native, alert):
        """Refuses the client with a fatal alert, then fails this side's handshake."""
        try:
            _TlsSocket.sendFatalAlert(native, alert & 0xff)
        except _JSocketError:
            pass
        raise _lib_error('SSL', 'SSLV3_ALERT_HANDSHAKE_FAILURE' if alert == 40 else
                         'TLSV1_ALERT_%d' % alert, 'callback failed (alert %d sent)' % alert)

    def do_handshake(self):
        t = self._tls()
        try:
            t.handshake()
        except _JSocketError, e:
            raise _ssl_error(e, 'handshake')
        self._handshake_done = True

    def read(self, len=1024, buffer=None):
        t = self._t
        if t is None:
            t = self._tls()
        try:
            if buffer is None:
                if len < 0:
                    raise ValueError('size should not be negative')
                data = _tls_read(t, len)
            else:
                size = _bridge.bufferLength(buffer)
                if len <= 0 or len > size:
                    len = size
                data = _bridge.tlsReadInto(t, buffer, len)
        except _JSocketError, e:
            raise _ssl_error(e, 'read')
        self._handshake_done = True
        return data

    def write(self, data):
        t = self._t
        if t is None:
            t = self._tls()
        try:
            # A str goes to the TLS layer 64 KiB at a time, never copied whole (PySsl.write).
            n = _tls_write(t, data)
        except _JSocketError, e:
            raise _ssl_error(e, 'write')
        self._handshake_done = True
        return n

    def pending(self):
        if self._t is None:
            return 0
        try:
            return self._t.pending()
        except _JSocketError, e:
            raise _ssl_error(e)

    def peer_certificate(self, binary_form=False):
        if not self._handshake_done:
            raise ValueError('handshake not done yet')
        ders = self._t.peerCertificatesDer()
        if ders.isEmpty():
            return None
        der = ders.get(0).tostring()
        if binary_form:
            return der
        if self._ctx.verify_mode == CERT_NONE:
            return {}
        return _decode_cert(der)

    def cipher(self):
        if not self._handshake_done:
            return None
        t = self._t
        return str(t.cipherName()), str(t.version()), t.cipherBits()

    def version(self):
        if not self._handshake_done:
            return None
        return str(self._t.version())

    def selected_alpn_protocol(self):
        if not self._handshake_done:
            return None
        p = self._t.alpnProtocol()
        return None if p is None else str(p)

    def selected_npn_protocol(self):
        return None

    def compression(self):
        return None

    def tls_unique_cb(self):
        return None

    def shutdown(self):
        """Ends TLS both ways (close_notify sent and received) and returns the plain socket,
        as OpenSSL's SSL_shutdown under CPython's unwrap()."""
        t = self._tls()
        try:
            t.shutdown()
        except _JSocketError, e:
            raise _ssl_error(e, 'read')
        return self._sslsock._unwrapped()


_ssl = types.ModuleType('_ssl', "Implementation module for SSL socket operations (sockbridge: rustls).")


class SSLContext(_SSLContext):
    """An SSLContext holds various SSL-related configuration options and data, such as
    certificates and possibly a private key."""

    _windows_cert_stores = ("CA", "ROOT")

    def __init__(self, protocol):
        _SSLContext.__init__(self, protocol)
        self.protocol = protocol
        if protocol != _SSLv2_IF_EXISTS:
            self.set_ciphers(_DEFAULT_CIPHERS)

    def wrap_socket(self, sock, server_side=False,
                    do_handshake_on_connect=True,
                    suppress_ragged_eofs=True,
                    server_hostname=None):
        return SSLSocket(sock=sock, server_side=server_side,
                         do_handshake_on_connect=do_handshake_on_connect,
                         suppress_ragged_eofs=suppress_ragged_eofs,
                         server_hostname=server_hostname,
                         _context=self)

    def set_npn_protocols(self, npn_protocols):
        protos = bytearray()
        for protocol in npn_protocols:
            b = protocol.encode('ascii')
            if len(b) == 0 or len(b) > 255:
                raise SSLError('NPN protocols must be 1 to 255 in length')
            protos.append(len(b))
            protos.extend(b)
        self._set_npn_protocols(protos)

    def set_alpn_protocols(self, alpn_protocols):
        protos = bytearray()
        for protocol in alpn_protocols:
            b = protocol.encode('ascii')
            if len(b) == 0 or len(b) > 255:
                raise SSLError('ALPN protocols must be 1 to 255 in length')
            protos.append(len(b))
            protos.extend(b)
        self._set_alpn_protocols(protos)

    def _load_windows_store_certs(self, storename, purpose):
        return bytearray()

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        if not isinstance(purpose, _ASN1Object):
            raise TypeError(purpose)
        self.set_default_verify_paths()


def create_default_context(purpose=Purpose.SERVER_AUTH, cafile=None,
                           capath=None, cadata=None):
    """Create a SSLContext object with default settings."""
    if not isinstance(purpose, _ASN1Object):
        raise TypeError(purpose)
    context = SSLContext(PROTOCOL_TLS)
    if purpose == Purpose.SERVER_AUTH:
        context.verify_mode = CERT_REQUIRED
        context.check_hostname = True
    elif purpose == Purpose.CLIENT_AUTH:
        context.set_ciphers(_RESTRICTED_SERVER_CIPHERS)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    return context


def _create_unverified_context(protocol=PROTOCOL_TLS, cert_reqs=None,
                               check_hostname=False, purpose=Purpose.SERVER_AUTH,
                               certfile=None, keyfile=None,
                               cafile=None, capath=None, cadata=None):
    """Create a SSLContext object for Python stdlib modules (less strict than
    create_default_context(), for backward compatibility)."""
    if not isinstance(purpose, _ASN1Object):
        raise TypeError(purpose)
    context = SSLContext(protocol)
    if cert_reqs is not None:
        context.verify_mode = cert_reqs
    context.check_hostname = check_hostname
    if keyfile and not certfile:
        raise ValueError("certfile must be specified")
    if certfile or keyfile:
        context.load_cert_chain(certfile, keyfile)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    return context


_create_stdlib_context = _create_unverified_context

_https_verify_envvar = 'PYTHONHTTPSVERIFY'


def _get_https_context_factory():
    if not sys.flags.ignore_environment:
        config_setting = os.environ.get(_https_verify_envvar)
        if config_setting == '0':
            return _create_unverified_context
    return create_default_context


_create_default_https_context = _get_https_context_factory()


def _https_verify_certificates(enable=True):
    """Verify server HTTPS certificates by default?"""
    global _create_default_https_context
    if enable:
        _create_default_https_context = create_default_context
    else:
        _create_default_https_context = _create_unverified_context


# ---- the socket ------------------------------------------------------------------------------


class _Borrowed(object):
    """The reference a wrapped plain socket object keeps: it uses the fd but does not own it.
    CPython 2.7 frees the plain object by reference counting once the SSLSocket has taken the
    fd; here the SSLSocket takes the ownership over (as CPython 3's detach() does), so closing
    the SSLSocket closes the fd even though the plain object still exists."""

    __slots__ = ('native',)

    def __init__(self, native):
        self.native = native

    def acquire(self):
        pass

    def release(self):
        pass

    def force_close(self):
        self.native.close()


class _Unwrapped(_Borrowed):
    """The reference of the socket unwrap() returns: like CPython 2.7's underlying socket
    object, its close() closes the fd; otherwise the SSLSocket (now plain) keeps owning it."""

    __slots__ = ()

    def release(self):
        self.native.close()


class SSLSocket(socket):
    """This class implements a subtype of socket.socket that wraps the underlying OS socket in
    an SSL context when necessary, and provides read and write methods over that channel."""

    def __init__(self, sock=None, keyfile=None, certfile=None,
                 server_side=False, cert_reqs=CERT_NONE,
                 ssl_version=PROTOCOL_TLS, ca_certs=None,
                 do_handshake_on_connect=True,
                 family=AF_INET, type=SOCK_STREAM, proto=0, fileno=None,
                 suppress_ragged_eofs=True, npn_protocols=None, ciphers=None,
                 server_hostname=None,
                 _context=None):
        self._makefile_refs = 0
        self._sslobj = None
        if _context:
            self._context = _context
        else:
            if server_side and not certfile:
                raise ValueError("certfile must be specified for server-side "
                                 "operations")
            if keyfile and not certfile:
                raise ValueError("certfile must be specified")
            if certfile and not keyfile:
                keyfile = certfile
            self._context = SSLContext(ssl_version)
            self._context.verify_mode = cert_reqs
            if ca_certs:
                self._context.load_verify_locations(ca_certs)
            if certfile:
                self._context.load_cert_chain(certfile, keyfile)
            if npn_protocols:
                self._context.set_npn_protocols(npn_protocols)
            if ciphers:
                self._context.set_ciphers(ciphers)
            self.keyfile = keyfile
            self.certfile = certfile
            self.cert_reqs = cert_reqs
            self.ssl_version = ssl_version
            self.ca_certs = ca_certs
            self.ciphers = ciphers
        if sock is None:
            sock = socket(family, type, proto)
        if sock.getsockopt(SOL_SOCKET, SO_TYPE) != SOCK_STREAM:
            raise NotImplementedError("only stream sockets are supported")
        native = sock._n()
        socket.__init__(self, _native=native)
        if server_side and server_hostname:
            raise ValueError("server_hostname can only be specified "
                             "in client mode")
        if self._context.check_hostname and not server_hostname:
            raise ValueError("check_hostname requires server_hostname")
        # From here on the SSLSocket owns the fd (see _Borrowed).
        self._ref = sock._ref
        sock._ref = _Borrowed(native)
        self.server_side = server_side
        self.server_hostname = server_hostname
        self.do_handshake_on_connect = do_handshake_on_connect
        self.suppress_ragged_eofs = suppress_ragged_eofs

        try:
            self.getpeername()
        except socket_error as e:
            if e.errno != errno.ENOTCONN:
                self.close()
                raise
            connected = False
        else:
            connected = True

        self._closed = False
        self._connected = connected
        if connected:
            try:
                self._sslobj = self._context._wrap_socket(self, server_side,
                                                          server_hostname, ssl_sock=self)
                if do_handshake_on_connect:
                    timeout = self.gettimeout()
                    if timeout == 0.0:
                        raise ValueError("do_handshake_on_connect should not be specified for non-blocking sockets")
                    self.do_handshake()
            except:  # noqa: E722 -- without reference counting, let go of the fd on any failure
                self.close()
                raise

    def _get_context(self):
        return self._context

    def _set_context(self, ctx):
        self._context = ctx
        self._sslobj.context = ctx

    context = property(_get_context, _set_context)

    def dup(self):
        raise NotImplementedError("Can't dup() %s instances" %
                                  self.__class__.__name__)

    def _checkClosed(self, msg=None):
        pass

    def _check_connected(self):
        if not self._connected:
            self.getpeername()

    def read(self, len=1024, buffer=None):
        """Read up to LEN bytes and return them. Return zero-length string on EOF."""
        self._checkClosed()
        if not self._sslobj:
            raise ValueError("Read on closed or unwrapped SSL socket.")
        try:
            if buffer is not None:
                v = self._sslobj.read(len, buffer)
            else:
                v = self._sslobj.read(len)
            return v
        except SSLError as x:
            if x.args[0] == SSL_ERROR_EOF and self.suppress_ragged_eofs:
                if buffer is not None:
                    return 0
                else:
                    return b''
            else:
                raise

    def write(self, data):
        """Write DATA to the underlying SSL channel. Returns number of bytes of DATA actually
        transmitted."""
        self._checkClosed()
        if not self._sslobj:
            raise ValueError("Write on closed or unwrapped SSL socket.")
        return self._sslobj.write(data)

    def getpeercert(self, binary_form=False):
        """The peer's certificate: None if none was provided, {} if it was not validated."""
        self._checkClosed()
        self._check_connected()
        return self._sslobj.peer_certificate(binary_form)

    def selected_npn_protocol(self):
        self._checkClosed()
        return None

    def selected_alpn_protocol(self):
        self._checkClosed()
        if not self._sslobj:
            return None
        else:
            return self._sslobj.selected_alpn_protocol()

    def cipher(self):
        self._checkClosed()
        if not self._sslobj:
            return None
        else:
            return self._sslobj.cipher()

    def compression(self):
        self._checkClosed()
        if not self._sslobj:
            return None
        else:
            return self._sslobj.compression()

    def send(self, data, flags=0):
        self._checkClosed()
        if self._sslobj:
            if flags != 0:
                raise ValueError(
                    "non-zero flags not allowed in calls to send() on %s" %
                    self.__class__)
            try:
                v = self._sslobj.write(data)
            except SSLError as x:
                if x.args[0] == SSL_ERROR_WANT_READ:
                    return 0
                elif x.args[0] == SSL_ERROR_WANT_WRITE:
                    return 0
                else:
                    raise
            else:
                return v
        else:
            return socket.send(self, data, flags)

    def sendto(self, data, flags_or_addr, addr=None):
        self._checkClosed()
        if self._sslobj:
            raise ValueError("sendto not allowed on instances of %s" %
                             self.__class__)
        elif addr is None:
            return socket.sendto(self, data, flags_or_addr)
        else:
            return socket.sendto(self, data, flags_or_addr, addr)

    def sendall(self, data, flags=0):
        self._checkClosed()
        if self._sslobj:
            if flags != 0:
                raise ValueError(
                    "non-zero flags not allowed in calls to sendall() on %s" %
                    self.__class__)
            amount = len(data)
            count = 0
            while (count < amount):
                v = self.send(data[count:])
                count += v
            return amount
        else:
            return socket.sendall(self, data, flags)

    def recv(self, buflen=1024, flags=0):
        self._checkClosed()
        if self._sslobj:
            if flags != 0:
                raise ValueError(
                    "non-zero flags not allowed in calls to recv() on %s" %
                    self.__class__)
            return self.read(buflen)
        else:
            return socket.recv(self, buflen, flags)

    def recv_into(self, buffer, nbytes=None, flags=0):
        self._checkClosed()
        if buffer and (nbytes is None):
            nbytes = len(buffer)
        elif nbytes is None:
            nbytes = 1024
        if self._sslobj:
            if flags != 0:
                raise ValueError(
                    "non-zero flags not allowed in calls to recv_into() on %s" %
                    self.__class__)
            return self.read(nbytes, buffer)
        else:
            return socket.recv_into(self, buffer, nbytes, flags)

    def recvfrom(self, buflen=1024, flags=0):
        self._checkClosed()
        if self._sslobj:
            raise ValueError("recvfrom not allowed on instances of %s" %
                             self.__class__)
        else:
            return socket.recvfrom(self, buflen, flags)

    def recvfrom_into(self, buffer, nbytes=None, flags=0):
        self._checkClosed()
        if self._sslobj:
            raise ValueError("recvfrom_into not allowed on instances of %s" %
                             self.__class__)
        else:
            return socket.recvfrom_into(self, buffer, nbytes, flags)

    def pending(self):
        self._checkClosed()
        if self._sslobj:
            return self._sslobj.pending()
        else:
            return 0

    def shutdown(self, how):
        self._checkClosed()
        self._sslobj = None
        socket.shutdown(self, how)

    def close(self):
        if self._makefile_refs < 1:
            self._sslobj = None
            socket.close(self)
        else:
            self._makefile_refs -= 1

    def unwrap(self):
        if self._sslobj:
            s = self._sslobj.shutdown()
            self._sslobj = None
            return s
        else:
            raise ValueError("No SSL wrapper around " + str(self))

    def _unwrapped(self):
        """The plain socket unwrap() returns: the same fd (see _Unwrapped)."""
        native = self._n()
        plain = socket(_native=native)
        plain._ref = _Unwrapped(native)
        return plain

    def _real_close(self):
        self._sslobj = None
        socket.close(self)

    def do_handshake(self, block=False):
        """Perform a TLS/SSL handshake."""
        self._check_connected()
        timeout = self.gettimeout()
        try:
            if timeout == 0.0 and block:
                self.settimeout(None)
            self._sslobj.do_handshake()
        finally:
            self.settimeout(timeout)

        if self.context.check_hostname:
            if not self.server_hostname:
                raise ValueError("check_hostname needs server_hostname "
                                 "argument")
            match_hostname(self.getpeercert(), self.server_hostname)

    def _real_connect(self, addr, connect_ex):
        if self.server_side:
            raise ValueError("can't connect in server-side mode")
        if self._connected:
            raise ValueError("attempt to connect already-connected SSLSocket!")
        self._sslobj = self.context._wrap_socket(self, False, self.server_hostname, ssl_sock=self)
        try:
            if connect_ex:
                rc = socket.connect_ex(self, addr)
            else:
                rc = None
                socket.connect(self, addr)
            if not rc:
                self._connected = True
                if self.do_handshake_on_connect:
                    self.do_handshake()
            return rc
        except (socket_error, ValueError):
            self._sslobj = None
            raise

    def connect(self, addr):
        """Connects to remote ADDR, and then wraps the connection in an SSL channel."""
        self._real_connect(addr, False)

    def connect_ex(self, addr):
        """Connects to remote ADDR, and then wraps the connection in an SSL channel."""
        return self._real_connect(addr, True)

    def accept(self):
        """Accepts a new connection from a remote client, and returns a tuple containing that
        new connection wrapped with a server-side SSL channel, and the address of the remote
        client."""
        newsock, addr = socket.accept(self)
        newsock = self.context.wrap_socket(newsock,
                                           do_handshake_on_connect=self.do_handshake_on_connect,
                                           suppress_ragged_eofs=self.suppress_ragged_eofs,
                                           server_side=True)
        return newsock, addr

    def makefile(self, mode='r', bufsize=-1):
        """Make and return a file-like object that works with the SSL connection."""
        self._makefile_refs += 1
        return _fileobject(self, mode, bufsize, close=True)

    def get_channel_binding(self, cb_type="tls-unique"):
        """Channel binding data ("tls-unique" is not available on rustls: ValueError)."""
        if cb_type not in CHANNEL_BINDING_TYPES:
            raise ValueError("Unsupported channel binding type")
        raise NotImplementedError("{0} channel binding type not implemented".format(cb_type))

    def version(self):
        """The protocol version of the current SSL channel, or None."""
        if self._sslobj is None:
            return None
        return self._sslobj.version()


def wrap_socket(sock, keyfile=None, certfile=None,
                server_side=False, cert_reqs=CERT_NONE,
                ssl_version=PROTOCOL_TLS, ca_certs=None,
                do_handshake_on_connect=True,
                suppress_ragged_eofs=True,
                ciphers=None):

    return SSLSocket(sock=sock, keyfile=keyfile, certfile=certfile,
                     server_side=server_side, cert_reqs=cert_reqs,
                     ssl_version=ssl_version, ca_certs=ca_certs,
                     do_handshake_on_connect=do_handshake_on_connect,
                     suppress_ragged_eofs=suppress_ragged_eofs,
                     ciphers=ciphers)


def get_server_certificate(addr, ssl_version=PROTOCOL_TLS, ca_certs=None):
    """Retrieve the certificate from the server at the specified address, and return it as a
    PEM-encoded string."""
    host, port = addr
    if ca_certs is not None:
        cert_reqs = CERT_REQUIRED
    else:
        cert_reqs = CERT_NONE
    context = _create_stdlib_context(ssl_version,
                                     cert_reqs=cert_reqs,
                                     cafile=ca_certs)
    with closing(create_connection(addr)) as sock:
        with closing(context.wrap_socket(sock)) as sslsock:
            dercert = sslsock.getpeercert(True)
    return DER_cert_to_PEM_cert(dercert)


def get_protocol_name(protocol_code):
    return _PROTOCOL_NAMES.get(protocol_code, '<unknown>')


def sslwrap_simple(sock, keyfile=None, certfile=None):
    """A replacement for the old socket.ssl function."""
    ctx = SSLContext(PROTOCOL_SSLv23)
    if keyfile or certfile:
        ctx.load_cert_chain(certfile, keyfile)
    ssl_sock = SSLSocket(sock, server_side=False, do_handshake_on_connect=False, _context=ctx)
    try:
        sock.getpeername()
    except socket_error:
        pass
    else:
        ssl_sock.do_handshake()
    return ssl_sock


def _import_symbols(prefix):
    for n in dir(_ssl):
        if n.startswith(prefix):
            globals()[n] = getattr(_ssl, n)


def _fill_ssl_module():
    """ssl._ssl (also `import _ssl`): the names CPython's C module has."""
    g = globals()
    for n in list(g):
        if n.split('_')[0] in ('OP', 'ALERT', 'SSL', 'PROTOCOL', 'VERIFY', 'CERT', 'HAS', 'OPENSSL'):
            setattr(_ssl, n, g[n])
    for n in ('SSLError', 'SSLZeroReturnError', 'SSLWantReadError', 'SSLWantWriteError',
              'SSLSyscallError', 'SSLEOFError', 'RAND_add', 'RAND_status', '_SSLContext',
              '_OPENSSL_API_VERSION', '_test_decode_cert'):
        setattr(_ssl, n, g[n])
    _ssl._SSLSocket = _SSLObject
    _ssl.txt2obj = _txt2obj
    _ssl.nid2obj = _nid2obj
    _ssl.get_default_verify_paths = _get_default_verify_paths
    _ssl.err_codes_to_names = {}
    _ssl.err_names_to_codes = {}
    _ssl.lib_codes_to_names = {}
    sys.modules.setdefault('_ssl', _ssl)


_fill_ssl_module()
