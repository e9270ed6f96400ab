"""ssl for Jython on sockbridge: CPython 2.7.9+'s ssl API over rustls (org.sockbridge.Tls*).

One certificate policy (TlsPolicy) sits under both this module and the Java API. Differences
from OpenSSL-based CPython are listed in the README ("ssl module").
"""

import base64
import calendar
import errno as _errno
import re
import textwrap
import time
from collections import namedtuple

import _socket
from _socket import SOCK_STREAM, socket, error as socket_error, _fileobject
from java.lang import IllegalArgumentException as _JIllegalArgument
from java.util import ArrayList as _ArrayList
from org.sockbridge import SocketError as _JSocketError
from org.sockbridge import SocketTimeout as _JSocketTimeout
from org.sockbridge import TlsContext as _Context
from org.sockbridge import TlsError as _JTlsError
from org.sockbridge import TlsPolicy as _Policy
from org.sockbridge import TlsSocket as _TlsSocket
from org.sockbridge.jython import PyBridge as _bridge

# ---- constants -------------------------------------------------------------------------------

PROTOCOL_SSLv23 = PROTOCOL_TLS = 2
PROTOCOL_TLSv1 = 3
PROTOCOL_TLSv1_1 = 4
PROTOCOL_TLSv1_2 = 5
PROTOCOL_TLS_CLIENT = 16
PROTOCOL_TLS_SERVER = 17
_PROTOCOL_NAMES = {PROTOCOL_TLS: 'TLS', PROTOCOL_TLSv1: 'TLSv1', PROTOCOL_TLSv1_1: 'TLSv1.1',
                   PROTOCOL_TLSv1_2: 'TLSv1.2', PROTOCOL_TLS_CLIENT: 'TLS_CLIENT',
                   PROTOCOL_TLS_SERVER: 'TLS_SERVER'}

CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED = 0, 1, 2

OP_ALL = 0x80000054
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
OP_NO_TICKET = 0x00004000

SSL_ERROR_SSL = 1
SSL_ERROR_WANT_READ = 2
SSL_ERROR_WANT_WRITE = 3
SSL_ERROR_WANT_X509_LOOKUP = 4
SSL_ERROR_SYSCALL = 5
SSL_ERROR_ZERO_RETURN = 6
SSL_ERROR_WANT_CONNECT = 7
SSL_ERROR_EOF = 8
SSL_ERROR_INVALID_ERROR_CODE = 10

HAS_SNI = True
HAS_ALPN = True
HAS_ECDH = True
HAS_NPN = False
HAS_TLSv1_3 = True
CHANNEL_BINDING_TYPES = []
OPENSSL_VERSION = 'rustls 0.23 (ring) via sockbridge'
OPENSSL_VERSION_INFO = (0, 23, 0, 0, 0)
OPENSSL_VERSION_NUMBER = 0x00230000

_DEFAULT_CIPHERS = 'DEFAULT'

# ---- exceptions ------------------------------------------------------------------------------


class SSLError(socket_error):
    """An error from the TLS layer: args == (code, message); .reason and .library as CPython."""

    reason = None
    library = None

    def __str__(self):
        if len(self.args) == 2:
            return self.args[1]
        return socket_error.__str__(self)


class SSLZeroReturnError(SSLError):
    """The TLS session was closed cleanly."""


class SSLWantReadError(SSLError):
    """Non-blocking: try again when the socket is readable."""


class SSLWantWriteError(SSLError):
    """Non-blocking: try again when the socket is writable."""


class SSLSyscallError(SSLError):
    """A system error under the TLS layer."""


class SSLEOFError(SSLError):
    """The transport closed in violation of the protocol."""


class CertificateError(ValueError):
    """The certificate does not match the host name."""


class SSLCertVerificationError(SSLError, CertificateError):
    """The peer's certificate did not verify (.verify_code, .verify_message)."""

    verify_code = None
    verify_message = None


def _ssl_error(e):
    """The Python exception for a Java TlsError / SocketError from the TLS layer."""
    if isinstance(e, _JSocketTimeout):
        return _socket.timeout('timed out')
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
        err = SSLCertVerificationError(SSL_ERROR_SSL, text)
        err.verify_code = e.verifyCode()
        err.verify_message = text.split('] ', 1)[-1].replace('certificate verify failed: ', '')
    else:
        err = SSLError(SSL_ERROR_SSL, text)
    err.reason = reason
    err.library = 'SSL'
    return err


# ---- certificates ----------------------------------------------------------------------------

PEM_HEADER = '-----BEGIN CERTIFICATE-----'
PEM_FOOTER = '-----END CERTIFICATE-----'


def DER_cert_to_PEM_cert(der_cert_bytes):
    """PEM text of a DER certificate."""
    f = base64.standard_b64encode(der_cert_bytes)
    return PEM_HEADER + '\n' + textwrap.fill(f, 64) + '\n' + PEM_FOOTER + '\n'


def PEM_cert_to_DER_cert(pem_cert_string):
    """DER bytes of a PEM certificate."""
    if not pem_cert_string.startswith(PEM_HEADER):
        raise ValueError('Invalid PEM encoding; must start with %s' % PEM_HEADER)
    if not pem_cert_string.strip().endswith(PEM_FOOTER):
        raise ValueError('Invalid PEM encoding; must end with %s' % PEM_FOOTER)
    d = pem_cert_string.strip()[len(PEM_HEADER):-len(PEM_FOOTER)]
    return base64.decodestring(d)


def cert_time_to_seconds(cert_time):
    """Seconds since the epoch for a certificate time such as 'May  9 00:00:00 2007 GMT'."""
    months = ('Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec')
    time_format = ' %d %H:%M:%S %Y GMT'
    try:
        month_number = months.index(cert_time[:3].title()) + 1
    except ValueError:
        raise ValueError('time data %r does not match format "%%b%s"' % (cert_time, time_format))
    tt = time.strptime(cert_time[3:], time_format)
    return calendar.timegm((tt[0], month_number) + tt[2:6])


def _decode_cert(der):
    """getpeercert()'s dict for a DER certificate."""
    info = _TlsSocket.decodeCertificate(_bridge.bytesOf(der))
    fields = info.fields
    rdn = lambda rdns: tuple(tuple((str(a[0]), str(a[1])) for a in r) for r in rdns)
    cert = {
        'subject': rdn(info.subject),
        'issuer': rdn(info.issuer),
        'version': int(fields.get('version')),
        'serialNumber': str(fields.get('serialNumber')),
        'notBefore': str(fields.get('notBefore')),
        'notAfter': str(fields.get('notAfter')),
    }
    if info.subjectAltName.size():
        cert['subjectAltName'] = tuple((str(s[0]), str(s[1])) for s in info.subjectAltName)
    return cert


def _dnsname_match(dn, hostname):
    """RFC 6125 matching with one left-most wildcard label, as CPython 2.7.9+."""
    if not dn:
        return False
    parts = dn.split('.')
    leftmost, remainder = parts[0], parts[1:]
    if leftmost.count('*') > 1:
        raise CertificateError('too many wildcards in certificate DNS name: ' + repr(dn))
    if not leftmost.count('*'):
        return dn.lower() == hostname.lower()
    if leftmost == '*':
        pats = ['[^.]+']
    elif leftmost.startswith('xn--') or hostname.startswith('xn--'):
        pats = [re.escape(leftmost)]
    else:
        pats = [re.escape(leftmost).replace(r'\*', '[^.]*')]
    for frag in remainder:
        pats.append(re.escape(frag))
    return re.compile(r'\A' + r'\.'.join(pats) + r'\Z', re.IGNORECASE).match(hostname) is not None


def match_hostname(cert, hostname):
    """Raises CertificateError unless cert (a getpeercert() dict) is valid for hostname."""
    if not cert:
        raise ValueError('empty or no certificate, match_hostname needs a SSL socket or SSL context with either CERT_OPTIONAL or CERT_REQUIRED')
    try:
        host_ip = _socket.inet_pton(_socket.AF_INET6 if ':' in hostname else _socket.AF_INET, hostname)
    except (socket_error, ValueError):
        host_ip = None
    dnsnames = []
    san = cert.get('subjectAltName', ())
    for key, value in san:
        if key == 'DNS':
            if host_ip is None and _dnsname_match(value, hostname):
                return
            dnsnames.append(value)
        elif key == 'IP Address':
            if host_ip is not None and _ip_text_equal(value, hostname):
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
        raise CertificateError("hostname %r doesn't match either of %s"
                               % (hostname, ', '.join(map(repr, dnsnames))))
    elif len(dnsnames) == 1:
        raise CertificateError("hostname %r doesn't match %r" % (hostname, dnsnames[0]))
    raise CertificateError('no appropriate commonName or subjectAltName fields were found')


def _ip_text_equal(a, b):
    try:
        fa = _socket.AF_INET6 if ':' in a else _socket.AF_INET
        fb = _socket.AF_INET6 if ':' in b else _socket.AF_INET
        return fa == fb and _socket.inet_pton(fa, a) == _socket.inet_pton(fb, b)
    except (socket_error, ValueError):
        return False


# ---- contexts --------------------------------------------------------------------------------

_Purpose = namedtuple('_ASN1Object', 'nid shortname longname oid')


class Purpose(object):
    """What a context is for: authenticating servers or clients."""
    SERVER_AUTH = _Purpose(129, 'serverAuth', 'TLS Web Server Authentication', '1.3.6.1.5.5.7.3.1')
    CLIENT_AUTH = _Purpose(130, 'clientAuth', 'TLS Web Client Authentication', '1.3.6.1.5.5.7.3.2')


def _read_file(path, what):
    try:
        with open(path, 'rb') as f:
            return f.read()
    except IOError as e:
        raise IOError(e.errno or _errno.ENOENT, e.strerror or 'No such file or directory')


class SSLContext(object):
    """A TLS configuration: verify mode, trust, our certificate, ciphers, ALPN."""

    def __init__(self, protocol=PROTOCOL_TLS):
        if protocol not in _PROTOCOL_NAMES:
            raise ValueError('invalid protocol version')
        self.protocol = protocol
        self._trust = []            # ('system',), ('file', path), ('dir', path), ('data', bytes)
        self._identity = None       # (chain PEM, key PEM)
        self._alpn = []
        self._ciphers = []
        self._built = {}
        self.options = OP_ALL | OP_NO_SSLv3
        if protocol == PROTOCOL_TLS_CLIENT:
            self._verify_mode, self._check_hostname = CERT_REQUIRED, True
        else:
            self._verify_mode, self._check_hostname = CERT_NONE, False

    def _changed(self):
        self._built = {}

    def _get_verify_mode(self):
        return self._verify_mode

    def _set_verify_mode(self, value):
        if value not in (CERT_NONE, CERT_OPTIONAL, CERT_REQUIRED):
            raise ValueError('invalid value for verify_mode')
        if value == CERT_NONE and self._check_hostname:
            raise ValueError('Cannot set verify_mode to CERT_NONE when check_hostname is enabled.')
        self._verify_mode = value
        self._changed()

    verify_mode = property(_get_verify_mode, _set_verify_mode)

    def _get_check_hostname(self):
        return self._check_hostname

    def _set_check_hostname(self, value):
        if value and self._verify_mode == CERT_NONE:
            raise ValueError('check_hostname needs a SSL context with either CERT_OPTIONAL or CERT_REQUIRED')
        self._check_hostname = bool(value)
        self._changed()

    check_hostname = property(_get_check_hostname, _set_check_hostname)

    def _probe(self, source):
        """Checks one trust source now, so garbage fails at load time as in CPython."""
        policy = _Policy.secureDefaults().clearTrust()
        try:
            self._apply_trust(policy, [source])
        except _JTlsError, e:
            raise SSLError(SSL_ERROR_SSL, '[X509: NO_CERTIFICATE_OR_CRL_FOUND] ' + str(e.getMessage()))
        except _JIllegalArgument, e:
            raise TypeError(str(e.getMessage()))

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
        if cafile is not None:
            _read_file(cafile, 'cafile')
            added.append(('file', cafile))
        if capath is not None:
            added.append(('dir', capath))
        if cadata is not None:
            if isinstance(cadata, unicode):
                cadata = cadata.encode('ascii')
            added.append(('data', cadata))
        for source in added:
            self._probe(source)
        self._trust.extend(added)
        self._changed()

    def load_default_certs(self, purpose=Purpose.SERVER_AUTH):
        """Trusts the system's CA store."""
        if not isinstance(purpose, _Purpose):
            raise TypeError(purpose)
        self.set_default_verify_paths()

    def set_default_verify_paths(self):
        """Trusts the system's CA store."""
        if ('system',) not in self._trust:
            self._trust.append(('system',))
            self._changed()

    def load_cert_chain(self, certfile, keyfile=None, password=None):
        """Our certificate chain and private key (PEM; PKCS#8, PKCS#1 or SEC1 keys)."""
        chain = _read_file(certfile, 'certfile')
        key = _read_file(keyfile, 'keyfile') if keyfile is not None else chain
        if 'ENCRYPTED' in key and 'PRIVATE KEY' in key:
            raise SSLError(SSL_ERROR_SSL, '[SSL] encrypted private keys are not supported (decrypt the key first)')
        try:
            _Policy.insecureAcceptAnyCertificate().identity(_bridge.bytesOf(chain), _bridge.bytesOf(key))
        except _JTlsError, e:
            raise SSLError(SSL_ERROR_SSL, '[SSL] ' + str(e.getMessage()))
        self._identity = (chain, key)
        self._changed()

    def set_ciphers(self, spec):
        """Chooses cipher suites with an OpenSSL cipher string. Keywords (DEFAULT, HIGH, ALL,
        ECDHE, AESGCM, ...) select every suite rustls offers; named suites select those of them
        rustls supports; a string that selects none is an SSLError, as in CPython."""
        supported = [str(n) for n in _Policy.supportedCiphers()]
        chosen = []
        named = False
        for token in str(spec).split(':'):
            token = token.strip()
            if not token or token[0] in '!-+@':
                continue
            if token in supported:
                named = True
                chosen.append(token)
            elif re.match(r'^[A-Z0-9+]+$', token) and '-' not in token and '_' not in token:
                continue  # a keyword or combination: all suites qualify
            else:
                named = True
        if named and not chosen:
            raise SSLError('No cipher can be selected.')
        self._ciphers = chosen
        self._changed()

    def set_alpn_protocols(self, protocols):
        """ALPN protocols in preference order."""
        out = []
        for p in protocols:
            b = p.encode('ascii') if isinstance(p, unicode) else p
            if not 0 < len(b) < 256:
                raise SSLError('ALPN protocols must be 1 to 255 in length')
            out.append(b)
        self._alpn = out
        self._changed()

    def set_npn_protocols(self, protocols):
        """NPN is not offered (rustls has no NPN)."""
        raise NotImplementedError("The NPN extension requires OpenSSL 1.0.1 or later.")

    def _policy(self, server_side):
        verify = {CERT_NONE: _Policy.Verify.NONE, CERT_OPTIONAL: _Policy.Verify.OPTIONAL,
                  CERT_REQUIRED: _Policy.Verify.REQUIRED}[self._verify_mode]
        policy = _Policy.secureDefaults().clearTrust().verify(verify)
        policy.checkHostname(self._check_hostname and not server_side)
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
        low = _Policy.TLS1_3 if self.options & OP_NO_TLSv1_2 else 0
        high = _Policy.TLS1_2 if self.options & OP_NO_TLSv1_3 else 0
        if self.protocol in (PROTOCOL_TLSv1, PROTOCOL_TLSv1_1):
            raise SSLError(SSL_ERROR_SSL, '[SSL: UNSUPPORTED_PROTOCOL] TLS 1.0 and 1.1 are not supported')
        if self.protocol == PROTOCOL_TLSv1_2:
            low, high = _Policy.TLS1_2, _Policy.TLS1_2
        policy.versions(low, high)
        return policy

    def _context(self, server_side):
        ctx = self._built.get(server_side)
        if ctx is None:
            try:
                policy = self._policy(server_side)
                ctx = _Context.server(policy) if server_side else _Context.client(policy)
            except _JTlsError, e:
                raise _ssl_error(e)
            self._built[server_side] = ctx
        return ctx

    def wrap_socket(self, sock, server_side=False, do_handshake_on_connect=True,
                    suppress_ragged_eofs=True, server_hostname=None):
        """An SSLSocket over sock."""
        return SSLSocket(sock=sock, server_side=server_side,
                         do_handshake_on_connect=do_handshake_on_connect,
                         suppress_ragged_eofs=suppress_ragged_eofs,
                         server_hostname=server_hostname, _context=self)

    def cert_store_stats(self):
        """Counts of the CA certificates loaded."""
        n = len(self._ca_ders())
        return {'x509_ca': n, 'crl': 0, 'x509': n}

    def _ca_ders(self):
        policy = _Policy.secureDefaults().clearTrust()
        self._apply_trust(policy, self._trust)
        return [d.tostring() for d in policy.caCertificates()]

    def get_ca_certs(self, binary_form=False):
        """The CA certificates loaded, as dicts (or DER)."""
        ders = self._ca_ders()
        return ders if binary_form else [_decode_cert(d) for d in ders]

    def session_stats(self):
        """Session counters (rustls keeps none that OpenSSL's map onto): all zero."""
        return dict.fromkeys(('number', 'connect', 'connect_good', 'connect_renegotiate', 'accept',
                              'accept_good', 'accept_renegotiate', 'hits', 'misses', 'timeouts',
                              'cache_full'), 0)


def create_default_context(purpose=Purpose.SERVER_AUTH, cafile=None, capath=None, cadata=None):
    """A context with secure settings: verification required, hostname checked (clients)."""
    if not isinstance(purpose, _Purpose):
        raise TypeError(purpose)
    context = SSLContext(PROTOCOL_TLS)
    if purpose == Purpose.SERVER_AUTH:
        context.verify_mode = CERT_REQUIRED
        context.check_hostname = True
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    return context


def _create_unverified_context(protocol=PROTOCOL_TLS, cert_reqs=None, check_hostname=False,
                               purpose=Purpose.SERVER_AUTH, certfile=None, keyfile=None,
                               cafile=None, capath=None, cadata=None):
    """A context that does not verify (for legacy callers that ask for it by name)."""
    context = SSLContext(protocol)
    context.check_hostname = check_hostname
    if cert_reqs is not None:
        context.verify_mode = cert_reqs
    if keyfile and not certfile:
        raise ValueError('certfile must be specified')
    if certfile or keyfile:
        context.load_cert_chain(certfile, keyfile)
    if cafile or capath or cadata:
        context.load_verify_locations(cafile, capath, cadata)
    elif context.verify_mode != CERT_NONE:
        context.load_default_certs(purpose)
    return context


_create_default_https_context = create_default_context
_create_stdlib_context = _create_unverified_context


# ---- the socket ------------------------------------------------------------------------------


class _TlsFileSocket(object):
    """What makefile() reads and writes through: the TLS session itself, which stays usable
    after the SSLSocket object is closed (as in CPython 2.7, where the file keeps it alive)."""

    def __init__(self, sslsock):
        self._tls = sslsock._session()
        self._ref = sslsock._ref
        self._suppress = sslsock.suppress_ragged_eofs

    def recv(self, n):
        try:
            return _bridge.tlsRead(self._tls, n)
        except _JSocketError, e:
            err = _ssl_error(e)
            if isinstance(err, SSLEOFError) and self._suppress:
                return ''
            raise err

    def sendall(self, data):
        b = _bridge.bytesOf(data)
        done = 0
        while done < len(b):
            try:
                done += self._tls.write(b, done, len(b) - done)
            except _JSocketError, e:
                raise _ssl_error(e)

    def fileno(self):
        return self._ref.native.fileno()

    def close(self):
        self._ref.force_close()

    def _release(self):
        self._ref.release()


class SSLSocket(socket):
    """A socket with TLS: CPython 2.7.9+'s SSLSocket."""

    __slots__ = ('context', 'server_side', 'server_hostname', 'do_handshake_on_connect',
                 'suppress_ragged_eofs', '_tls', '_handshaken')

    def __init__(self, sock=None, keyfile=None, certfile=None, server_side=False,
                 cert_reqs=CERT_NONE, ssl_version=PROTOCOL_TLS, ca_certs=None,
                 do_handshake_on_connect=True, family=_socket.AF_INET, type=SOCK_STREAM,
                 proto=0, fileno=None, suppress_ragged_eofs=True, npn_protocols=None,
                 ciphers=None, server_hostname=None, _context=None):
        if _context is None:
            _context = SSLContext(ssl_version)
            _context.verify_mode = cert_reqs
            if ca_certs:
                _context.load_verify_locations(ca_certs)
            if certfile:
                _context.load_cert_chain(certfile, keyfile)
            if ciphers:
                _context.set_ciphers(ciphers)
        if server_side and server_hostname:
            raise ValueError('server_hostname can only be specified in client mode')
        if _context.check_hostname and not server_hostname and not server_side:
            raise ValueError('check_hostname requires server_hostname')
        if sock is None:
            sock = socket(family, type, proto)
        if sock.type != SOCK_STREAM:
            raise NotImplementedError('only stream sockets are supported')
        native = sock._n()
        socket.__init__(self, _native=native)
        self._ref = sock._ref
        self._ref.acquire()
        self.context = _context
        self.server_side = server_side
        self.server_hostname = server_hostname
        self.do_handshake_on_connect = do_handshake_on_connect
        self.suppress_ragged_eofs = suppress_ragged_eofs
        self._tls = None
        self._handshaken = False
        try:
            sock.getpeername()
            connected = True
        except socket_error:
            connected = False
        if connected:
            try:
                self._start()
                if do_handshake_on_connect:
                    if self.gettimeout() == 0.0:
                        raise ValueError('do_handshake_on_connect should not be specified for non-blocking sockets')
                    self.do_handshake()
            except:  # noqa: E722 (let go of the socket on any failure, then re-raise, as CPython)
                self.close()
                raise

    def _start(self):
        ctx = self.context._context(self.server_side)
        try:
            if self.server_side:
                self._tls = ctx.accept(self._native)
            else:
                name = self.server_hostname
                if not name:
                    name = self.getpeername()[0]
                self._tls = ctx.wrap(self._native, name)
        except _JSocketError, e:
            raise _ssl_error(e)

    def _session(self):
        if self._native is None:
            raise _socket._ebadf()
        if self._tls is None:
            raise socket_error(_errno.ENOTCONN, 'Socket is not connected')
        return self._tls

    def do_handshake(self, block=False):
        """Runs the TLS handshake."""
        t = self._session()
        try:
            t.handshake()
        except _JSocketError, e:
            raise _ssl_error(e)
        self._handshaken = True

    def connect(self, address):
        """Connects, then (by default) runs the handshake."""
        if self._tls is not None:
            raise ValueError('attempt to connect already-connected SSLSocket!')
        socket.connect(self, address)
        self._start()
        if self.do_handshake_on_connect:
            self.do_handshake()

    def connect_ex(self, address):
        """connect() returning an errno."""
        try:
            self.connect(address)
            return 0
        except socket_error as e:
            if isinstance(e, SSLError) or len(e.args) != 2:
                raise
            return e.args[0]

    def accept(self):
        """(SSLSocket, address) for the next connection, server side."""
        newsock, addr = socket.accept(self)
        try:
            ssl_sock = self.context.wrap_socket(newsock, server_side=True,
                                                do_handshake_on_connect=self.do_handshake_on_connect,
                                                suppress_ragged_eofs=self.suppress_ragged_eofs)
        finally:
            newsock.close()
        return ssl_sock, addr

    def read(self, len=1024, buffer=None):
        """Up to len decrypted bytes ('' at the end of the session)."""
        t = self._session()
        try:
            if buffer is None:
                return _bridge.tlsRead(t, len)
            return _bridge.tlsReadInto(t, buffer, len or _bridge.bufferLength(buffer))
        except _JSocketError, e:
            err = _ssl_error(e)
            if isinstance(err, SSLEOFError) and self.suppress_ragged_eofs:
                return 0 if buffer is not None else ''
            raise err

    def write(self, data):
        """Encrypts and sends data; returns the count."""
        t = self._session()
        b = _bridge.bytesOf(data)
        try:
            return t.write(b, 0, len(b))
        except _JSocketError, e:
            raise _ssl_error(e)

    def recv(self, buflen=1024, flags=0):
        if flags != 0:
            raise ValueError('non-zero flags not allowed in calls to recv() on %s' % self.__class__)
        return self.read(buflen)

    def recv_into(self, buffer, nbytes=None, flags=0):
        if flags != 0:
            raise ValueError('non-zero flags not allowed in calls to recv_into() on %s' % self.__class__)
        return self.read(nbytes or _bridge.bufferLength(buffer), buffer)

    def recvfrom(self, buflen=1024, flags=0):
        raise ValueError('recvfrom not allowed on instances of %s' % self.__class__)

    def recvfrom_into(self, buffer, nbytes=None, flags=0):
        raise ValueError('recvfrom_into not allowed on instances of %s' % self.__class__)

    def send(self, data, flags=0):
        if flags != 0:
            raise ValueError('non-zero flags not allowed in calls to send() on %s' % self.__class__)
        return self.write(data)

    def sendall(self, data, flags=0):
        if flags != 0:
            raise ValueError('non-zero flags not allowed in calls to sendall() on %s' % self.__class__)
        b = _bridge.bytesOf(data)
        done = 0
        t = self._session()
        while done < len(b):
            try:
                done += t.write(b, done, len(b) - done)
            except _JSocketError, e:
                raise _ssl_error(e)

    def sendto(self, data, flags_or_addr, addr=None):
        raise ValueError('sendto not allowed on instances of %s' % self.__class__)

    def pending(self):
        """Decrypted bytes ready to read."""
        if self._tls is None:
            return 0
        return self._tls.pending()

    def unwrap(self):
        """Ends TLS (close_notify) and returns the plain socket."""
        t = self._session()
        try:
            t.unwrap()
        except _JSocketError, e:
            raise _ssl_error(e)
        self._tls = None
        plain = socket(_native=self._native)
        plain._ref = self._ref
        self._native = None
        return plain

    def getpeercert(self, binary_form=False):
        """The peer's certificate: a dict (empty if not verified) or DER bytes; None before
        the handshake or when the peer sent none."""
        if self._tls is None or not self._handshaken:
            if self._tls is None:
                raise ValueError('handshake not done yet')
            return None
        ders = self._tls.peerCertificatesDer()
        if ders.isEmpty():
            return None
        der = ders.get(0).tostring()
        if binary_form:
            return der
        if self.context.verify_mode == CERT_NONE:
            return {}
        return _decode_cert(der)

    def _info(self):
        if self._tls is None or not self._handshaken:
            return None
        return self._tls

    def cipher(self):
        """(name, protocol version, secret bits), or None before the handshake."""
        t = self._info()
        if t is None:
            return None
        return str(t.cipherName()), str(t.version()), t.cipherBits()

    def version(self):
        """'TLSv1.2' or 'TLSv1.3', or None before the handshake."""
        t = self._info()
        return None if t is None else str(t.version())

    def selected_alpn_protocol(self):
        """The ALPN protocol agreed on, or None."""
        t = self._info()
        if t is None:
            return None
        p = t.alpnProtocol()
        return None if p is None else str(p)

    def selected_npn_protocol(self):
        return None

    def compression(self):
        return None

    def shared_ciphers(self):
        return None

    def makefile(self, mode='r', bufsize=-1):
        """A file object over the TLS session."""
        self._n()
        self._ref.acquire()
        return _fileobject(_TlsFileSocket(self), mode, bufsize)

    def close(self):
        if self._tls is not None:
            self._tls = None
        socket.close(self)


def wrap_socket(sock, keyfile=None, certfile=None, server_side=False, cert_reqs=CERT_NONE,
                ssl_version=PROTOCOL_TLS, ca_certs=None, do_handshake_on_connect=True,
                suppress_ragged_eofs=True, ciphers=None):
    """The legacy module-level wrap_socket."""
    return SSLSocket(sock=sock, keyfile=keyfile, certfile=certfile, server_side=server_side,
                     cert_reqs=cert_reqs, ssl_version=ssl_version, ca_certs=ca_certs,
                     do_handshake_on_connect=do_handshake_on_connect,
                     suppress_ragged_eofs=suppress_ragged_eofs, ciphers=ciphers)


def get_server_certificate(addr, ssl_version=PROTOCOL_TLS, ca_certs=None):
    """The PEM certificate of the server at addr (verified against ca_certs if given)."""
    host, port = addr
    if ca_certs is not None:
        cert_reqs = CERT_REQUIRED
    else:
        cert_reqs = CERT_NONE
    context = _create_unverified_context(ssl_version, cert_reqs=cert_reqs, cafile=ca_certs)
    sock = _socket.socket()
    try:
        sock.connect((host, port))
        s = context.wrap_socket(sock, server_hostname=host)
        try:
            der = s.getpeercert(True)
        finally:
            s.close()
    finally:
        sock.close()
    return DER_cert_to_PEM_cert(der)


def get_protocol_name(protocol_code):
    return _PROTOCOL_NAMES.get(protocol_code, '<unknown>')


def RAND_status():
    return True


def RAND_add(string, entropy):
    pass
