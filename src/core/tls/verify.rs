//! The server-certificate verifier behind [`TlsPolicy`](super::policy::TlsPolicy): chain
//! validation by webpki (optional), hostname check (optional), and SHA-256 pins.

use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, OtherError, SignatureScheme};

/// A SHA-256 pin of a certificate (whole DER) or of its SubjectPublicKeyInfo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The digest.
    pub sha256: [u8; 32],
    /// True: the digest is of the SPKI; false: of the whole certificate.
    pub spki: bool,
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    let d = ring::digest::digest(&ring::digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// True if the certificate matches one of the pins.
pub fn matches_pin(cert: &CertificateDer<'_>, pins: &[Pin]) -> bool {
    let whole = sha256(cert.as_ref());
    let spki = x509_parser::parse_x509_certificate(cert.as_ref())
        .ok()
        .map(|(_, c)| sha256(c.tbs_certificate.subject_pki.raw));
    pins.iter().any(|p| {
        if p.spki {
            spki == Some(p.sha256)
        } else {
            whole == p.sha256
        }
    })
}

/// webpki reports a self-signed leaf as an unknown issuer; OpenSSL (and so CPython) names it.
#[derive(Debug)]
pub struct SelfSigned;

impl std::fmt::Display for SelfSigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("self-signed certificate")
    }
}

impl std::error::Error for SelfSigned {}

fn self_issued(cert: &CertificateDer<'_>) -> bool {
    x509_parser::parse_x509_certificate(cert.as_ref())
        .map(|(_, c)| c.subject().as_raw() == c.issuer().as_raw())
        .unwrap_or(false)
}

#[derive(Debug)]
struct PinMismatch;

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("certificate does not match any pinned SHA-256 digest")
    }
}

impl std::error::Error for PinMismatch {}

/// Checks a server certificate as the policy says.
#[derive(Debug)]
pub struct PolicyVerifier {
    chain: Option<Arc<WebPkiServerVerifier>>,
    check_hostname: bool,
    pins: Vec<Pin>,
    provider: Arc<CryptoProvider>,
    reject_all: bool,
}

impl PolicyVerifier {
    /// `chain: None` skips chain validation (verify mode none, or pins that replace it).
    pub fn new(
        chain: Option<Arc<WebPkiServerVerifier>>,
        check_hostname: bool,
        pins: Vec<Pin>,
        provider: Arc<CryptoProvider>,
    ) -> PolicyVerifier {
        PolicyVerifier {
            chain,
            check_hostname,
            pins,
            provider,
            reject_all: false,
        }
    }

    /// With `true`, no certificate verifies (the trust store is empty, as OpenSSL treats a
    /// client that loaded no CA): self-signed or unknown issuer.
    pub fn rejecting_all(mut self, on: bool) -> PolicyVerifier {
        self.reject_all = on;
        self
    }
}

impl ServerCertVerifier for PolicyVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        if !self.pins.is_empty() && !matches_pin(end_entity, &self.pins) {
            return Err(Error::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(PinMismatch)),
            )));
        }
        if self.reject_all {
            return Err(Error::InvalidCertificate(
                if intermediates.is_empty() && self_issued(end_entity) {
                    CertificateError::Other(OtherError(Arc::new(SelfSigned)))
                } else {
                    CertificateError::UnknownIssuer
                },
            ));
        }
        let Some(chain) = &self.chain else {
            return Ok(ServerCertVerified::assertion());
        };
        match chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now) {
            Ok(v) => Ok(v),
            Err(Error::InvalidCertificate(CertificateError::NotValidForName))
            | Err(Error::InvalidCertificate(CertificateError::NotValidForNameContext { .. }))
                if !self.check_hostname =>
            {
                Ok(ServerCertVerified::assertion())
            }
            Err(Error::InvalidCertificate(CertificateError::UnknownIssuer))
                if intermediates.is_empty() && self_issued(end_entity) =>
            {
                Err(Error::InvalidCertificate(CertificateError::Other(
                    OtherError(Arc::new(SelfSigned)),
                )))
            }
            Err(e) => Err(e),
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
