//! What a TLS operation can fail with, in terms CPython's `ssl` module uses.

use std::fmt;

/// The kind of TLS failure; the names are CPython's `ssl` reason codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsReason {
    /// Non-blocking: the operation needs the socket to become readable (`SSLWantReadError`).
    WantRead,
    /// Non-blocking: the operation needs the socket to become writable (`SSLWantWriteError`).
    WantWrite,
    /// The peer closed the TLS session cleanly (`SSLZeroReturnError`).
    ZeroReturn,
    /// The transport closed without close_notify (`SSLEOFError`).
    Eof,
    /// The peer's certificate was refused (`SSLCertVerificationError`).
    CertificateVerifyFailed,
    /// Any other handshake or record-layer failure reported by rustls or the peer.
    Protocol,
    /// The policy could not be turned into a configuration (bad PEM, missing key, ...).
    BadConfig,
    /// A write retried with fewer bytes than the unfinished one already took (OpenSSL's
    /// `SSL_R_BAD_LENGTH`).
    BadLength,
}

impl TlsReason {
    /// CPython's reason text (`e.reason`).
    pub fn name(self) -> &'static str {
        match self {
            TlsReason::WantRead => "WANT_READ",
            TlsReason::WantWrite => "WANT_WRITE",
            TlsReason::ZeroReturn => "ZERO_RETURN",
            TlsReason::Eof => "UNEXPECTED_EOF_WHILE_READING",
            TlsReason::CertificateVerifyFailed => "CERTIFICATE_VERIFY_FAILED",
            TlsReason::Protocol => "PROTOCOL_ERROR",
            TlsReason::BadConfig => "BAD_CONFIGURATION",
            TlsReason::BadLength => "BAD_LENGTH",
        }
    }

    /// The stable number the JNI layer passes to Java (`TlsError.Reason` ordinal).
    pub fn code(self) -> i32 {
        self as i32
    }
}

/// A TLS failure: its reason, a human message, and for verification failures OpenSSL's
/// verify code (e.g. 10 = certificate has expired) so `verify_code` matches CPython.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFailure {
    /// The kind.
    pub reason: TlsReason,
    /// What went wrong, in words.
    pub message: String,
    /// OpenSSL's `X509_V_ERR_*` number for verification failures, else 0.
    pub verify_code: i32,
}

impl TlsFailure {
    /// A failure without a verify code.
    pub fn new(reason: TlsReason, message: impl Into<String>) -> TlsFailure {
        TlsFailure {
            reason,
            message: message.into(),
            verify_code: 0,
        }
    }

    /// The failure for a rustls error, classifying certificate errors as CPython does.
    pub fn from_rustls(e: &rustls::Error) -> TlsFailure {
        use rustls::CertificateError as C;
        let verify = |code: i32, msg: &str| TlsFailure {
            reason: TlsReason::CertificateVerifyFailed,
            message: format!("certificate verify failed: {msg}"),
            verify_code: code,
        };
        match e {
            rustls::Error::InvalidCertificate(c) => match c {
                C::Expired | C::ExpiredContext { .. } => verify(10, "certificate has expired"),
                C::NotValidYet | C::NotValidYetContext { .. } => {
                    verify(9, "certificate is not yet valid")
                }
                C::UnknownIssuer => verify(20, "unable to get local issuer certificate"),
                C::NotValidForName | C::NotValidForNameContext { .. } => verify(
                    62,
                    "Hostname mismatch, certificate is not valid for the requested name",
                ),
                C::BadSignature => verify(7, "certificate signature failure"),
                C::Revoked => verify(23, "certificate revoked"),
                C::UnknownRevocationStatus => verify(3, "unable to get certificate CRL"),
                C::Other(other) if other.to_string() == "self-signed certificate" => {
                    verify(18, "self-signed certificate")
                }
                C::Other(other) => verify(1, &other.to_string()),
                other => verify(1, &format!("{other:?}")),
            },
            // OpenSSL reports this as a handshake failure, not a verification failure.
            rustls::Error::NoCertificatesPresented => {
                TlsFailure::new(TlsReason::Protocol, "peer did not return a certificate")
            }
            // OpenSSL's text, which callers (and CPython's tests) look for.
            rustls::Error::PeerIncompatible(rustls::PeerIncompatible::NoCipherSuitesInCommon) => {
                TlsFailure::new(TlsReason::Protocol, "no shared cipher")
            }
            rustls::Error::AlertReceived(alert) => {
                TlsFailure::new(TlsReason::Protocol, openssl_alert_text(*alert))
            }
            other => TlsFailure::new(TlsReason::Protocol, other.to_string()),
        }
    }
}

/// OpenSSL's text for a received alert ("sslv3 alert handshake failure", "tlsv1 alert access
/// denied", ...); CPython shows its upper-cased form as the error's reason.
fn openssl_alert_text(alert: rustls::AlertDescription) -> String {
    use rustls::AlertDescription as A;
    let (family, name) = match alert {
        A::CloseNotify => ("sslv3", "close notify"),
        A::UnexpectedMessage => ("sslv3", "unexpected message"),
        A::BadRecordMac => ("sslv3", "bad record mac"),
        A::DecompressionFailure => ("sslv3", "decompression failure"),
        A::HandshakeFailure => ("sslv3", "handshake failure"),
        A::NoCertificate => ("sslv3", "no certificate"),
        A::BadCertificate => ("sslv3", "bad certificate"),
        A::UnsupportedCertificate => ("sslv3", "unsupported certificate"),
        A::CertificateRevoked => ("sslv3", "certificate revoked"),
        A::CertificateExpired => ("sslv3", "certificate expired"),
        A::CertificateUnknown => ("sslv3", "certificate unknown"),
        A::IllegalParameter => ("sslv3", "illegal parameter"),
        A::DecryptionFailed => ("tlsv1", "decryption failed"),
        A::RecordOverflow => ("tlsv1", "record overflow"),
        A::UnknownCA => ("tlsv1", "unknown ca"),
        A::AccessDenied => ("tlsv1", "access denied"),
        A::DecodeError => ("tlsv1", "decode error"),
        A::DecryptError => ("tlsv1", "decrypt error"),
        A::ExportRestriction => ("tlsv1", "export restriction"),
        A::ProtocolVersion => ("tlsv1", "protocol version"),
        A::InsufficientSecurity => ("tlsv1", "insufficient security"),
        A::InternalError => ("tlsv1", "internal error"),
        A::InappropriateFallback => ("tlsv1", "inappropriate fallback"),
        A::UserCanceled => ("tlsv1", "user cancelled"),
        A::NoRenegotiation => ("tlsv1", "no renegotiation"),
        A::UnsupportedExtension => ("tlsv1", "unsupported extension"),
        A::CertificateUnobtainable => ("tlsv1", "certificate unobtainable"),
        A::UnrecognisedName => ("tlsv1", "unrecognized name"),
        A::BadCertificateStatusResponse => ("tlsv1", "bad certificate status response"),
        A::BadCertificateHashValue => ("tlsv1", "bad certificate hash value"),
        A::UnknownPSKIdentity => ("tlsv1", "unknown psk identity"),
        A::CertificateRequired => ("tlsv13", "alert certificate required"),
        A::NoApplicationProtocol => ("tlsv1", "no application protocol"),
        other => return format!("tlsv1 alert {}", u8::from(other)),
    };
    if family == "tlsv13" {
        return format!("tlsv13 {name}");
    }
    format!("{family} alert {name}")
}

impl fmt::Display for TlsFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[SSL: {}] {}", self.reason.name(), self.message)
    }
}

impl std::error::Error for TlsFailure {}
