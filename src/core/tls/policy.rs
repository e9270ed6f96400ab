//! The one certificate policy, built by the Java facade and the Python `ssl` module alike,
//! and turned here into rustls client and server configurations.
//!
//! Secure by default ([`TlsPolicy::secure_default`]): the chain is verified against the system
//! store and the hostname is checked. Accepting any certificate exists only when asked for by
//! name ([`TlsPolicy::insecure_accept_any_certificate`]).

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig, SupportedProtocolVersion};

use super::failure::{TlsFailure, TlsReason};
use super::verify::{Pin, PolicyVerifier};

/// How much the peer's certificate is checked (server side: whether a client certificate is
/// not asked for, optional, or required).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyMode {
    /// No check (client) / no client certificate requested (server).
    None,
    /// Client: as Required. Server: a client certificate is verified if one is sent.
    Optional,
    /// The peer must present a certificate that verifies.
    Required,
}

/// Where trusted CA certificates come from.
#[derive(Debug, Clone)]
pub enum TrustSource {
    /// The operating system's store (Debian: `/etc/ssl/certs`).
    System,
    /// A PEM file of CA certificates.
    CaFile(PathBuf),
    /// A directory of PEM files (OpenSSL's `capath`).
    CaDir(PathBuf),
    /// CA certificates in memory, PEM or DER.
    CaData(Vec<u8>),
}

/// Our own certificate chain and private key.
#[derive(Debug)]
pub struct Identity {
    /// End-entity first.
    pub chain: Vec<CertificateDer<'static>>,
    /// PKCS#8, PKCS#1 or SEC1.
    pub key: PrivateKeyDer<'static>,
}

impl Clone for Identity {
    fn clone(&self) -> Identity {
        Identity {
            chain: self.chain.clone(),
            key: self.key.clone_key(),
        }
    }
}

/// The certificate policy.
#[derive(Debug, Clone)]
pub struct TlsPolicy {
    /// How much the peer is checked.
    pub verify: VerifyMode,
    /// Trust anchors.
    pub trust: Vec<TrustSource>,
    /// Check the server certificate against the requested name (client side).
    pub check_hostname: bool,
    /// Our certificate and key, if any.
    pub identity: Option<Identity>,
    /// Accept only peers whose certificate or SPKI has one of these SHA-256 digests.
    pub pins: Vec<Pin>,
    /// With pins: a pinned certificate is accepted without chain validation.
    pub pins_replace_chain: bool,
    /// OpenSSL's rule for a client with no trusted CA: the configuration is accepted and every
    /// server certificate then fails verification (unknown issuer) at the handshake. Off by
    /// default (an empty trust store is refused when the configuration is built).
    pub empty_trust_rejects: bool,
    /// ALPN protocols, in preference order.
    pub alpn: Vec<Vec<u8>>,
    /// Lowest protocol version allowed (0x0303 = TLS 1.2, 0x0304 = TLS 1.3); 0 = no limit.
    pub min_version: u16,
    /// Highest protocol version allowed; 0 = no limit.
    pub max_version: u16,
    /// Cipher suites allowed, by OpenSSL name (`set_ciphers`); empty = all rustls offers.
    pub cipher_suites: Vec<String>,
}

fn bad_config(msg: impl Into<String>) -> TlsFailure {
    TlsFailure::new(TlsReason::BadConfig, msg)
}

/// Parses CA certificates from PEM (any number) or, failing that, one DER certificate.
pub fn parse_certificates(data: &[u8]) -> Result<Vec<CertificateDer<'static>>, TlsFailure> {
    let pem: Vec<_> = CertificateDer::pem_slice_iter(data)
        .collect::<Result<_, _>>()
        .map_err(|e| bad_config(format!("bad PEM certificate data: {e}")))?;
    if !pem.is_empty() {
        return Ok(pem);
    }
    if data.first() == Some(&0x30) {
        return Ok(vec![CertificateDer::from(data.to_vec())]);
    }
    Err(bad_config("no certificate found in the data"))
}

impl TlsPolicy {
    /// Verify the chain against the system store and check the hostname.
    pub fn secure_default() -> TlsPolicy {
        TlsPolicy {
            verify: VerifyMode::Required,
            trust: vec![TrustSource::System],
            check_hostname: true,
            identity: None,
            pins: Vec::new(),
            pins_replace_chain: false,
            empty_trust_rejects: false,
            alpn: Vec::new(),
            min_version: 0,
            max_version: 0,
            cipher_suites: Vec::new(),
        }
    }

    /// The crypto provider, restricted to the chosen cipher suites.
    fn provider(&self) -> Result<Arc<CryptoProvider>, TlsFailure> {
        let mut p = rustls::crypto::ring::default_provider();
        if !self.cipher_suites.is_empty() {
            p.cipher_suites.retain(|s| {
                let (name, _) = super::stream::openssl_cipher_name(s.suite());
                self.cipher_suites.contains(&name)
            });
            if p.cipher_suites.is_empty() {
                return Err(bad_config("No cipher can be selected."));
            }
        }
        Ok(Arc::new(p))
    }

    /// Accept any certificate: no chain check, no hostname check. Named so that it is only
    /// ever chosen on purpose.
    pub fn insecure_accept_any_certificate() -> TlsPolicy {
        TlsPolicy {
            verify: VerifyMode::None,
            trust: Vec::new(),
            check_hostname: false,
            ..TlsPolicy::secure_default()
        }
    }

    /// Sets our identity from PEM: a certificate chain and a private key (which may be in the
    /// same data).
    pub fn set_identity_pem(&mut self, chain_pem: &[u8], key_pem: &[u8]) -> Result<(), TlsFailure> {
        let chain: Vec<_> = CertificateDer::pem_slice_iter(chain_pem)
            .collect::<Result<_, _>>()
            .map_err(|e| bad_config(format!("bad certificate chain: {e}")))?;
        if chain.is_empty() {
            return Err(bad_config("no certificate in the certificate chain"));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| bad_config(format!("bad private key: {e}")))?;
        let provider = provider();
        let signing = provider
            .key_provider
            .load_private_key(key.clone_key())
            .map_err(|e| bad_config(format!("unusable private key: {e}")))?;
        let certified = rustls::sign::CertifiedKey::new(chain.clone(), signing);
        certified
            .keys_match()
            .map_err(|_| bad_config("private key does not match the certificate"))?;
        self.identity = Some(Identity { chain, key });
        Ok(())
    }

    /// All trust anchors from every source, in a rustls root store. A source that cannot be
    /// read is an error (a garbage CA file must not silently mean "trust nothing").
    pub fn root_store(&self) -> Result<RootCertStore, TlsFailure> {
        let mut store = RootCertStore::empty();
        for cert in self.ca_certificates()? {
            // A CA that webpki cannot use as an anchor is skipped, as OpenSSL skips it.
            let _ = store.add(cert);
        }
        Ok(store)
    }

    /// The CA certificates the trust sources name, as DER.
    pub fn ca_certificates(&self) -> Result<Vec<CertificateDer<'static>>, TlsFailure> {
        let mut out = Vec::new();
        for source in &self.trust {
            match source {
                TrustSource::System => {
                    out.extend(rustls_native_certs::load_native_certs().certs);
                }
                TrustSource::CaFile(path) => {
                    let data = std::fs::read(path).map_err(|e| {
                        bad_config(format!("cannot read CA file {}: {e}", path.display()))
                    })?;
                    out.extend(parse_certificates(&data)?);
                }
                TrustSource::CaDir(dir) => {
                    let entries = std::fs::read_dir(dir).map_err(|e| {
                        bad_config(format!("cannot read CA directory {}: {e}", dir.display()))
                    })?;
                    for entry in entries.flatten() {
                        if let Ok(data) = std::fs::read(entry.path()) {
                            out.extend(parse_certificates(&data).unwrap_or_default());
                        }
                    }
                }
                TrustSource::CaData(data) => out.extend(parse_certificates(data)?),
            }
        }
        Ok(out)
    }

    fn versions(&self) -> Result<Vec<&'static SupportedProtocolVersion>, TlsFailure> {
        let min = if self.min_version == 0 {
            0x0303
        } else {
            self.min_version
        };
        let max = if self.max_version == 0 {
            0x0304
        } else {
            self.max_version
        };
        let all = [
            (0x0303, &rustls::version::TLS12),
            (0x0304, &rustls::version::TLS13),
        ];
        let chosen: Vec<_> = all
            .iter()
            .filter(|(v, _)| *v >= min && *v <= max)
            .map(|(_, p)| *p)
            .collect();
        if chosen.is_empty() {
            return Err(bad_config("no protocol version left between the minimum and maximum (TLS 1.2 and 1.3 are supported)"));
        }
        Ok(chosen)
    }

    /// The rustls client configuration for this policy.
    pub fn client_config(&self) -> Result<Arc<ClientConfig>, TlsFailure> {
        let provider = self.provider()?;
        let mut no_trust = false;
        let chain_verifier = if self.verify == VerifyMode::None
            || (self.pins_replace_chain && !self.pins.is_empty())
        {
            None
        } else {
            let roots = self.root_store()?;
            if roots.is_empty() && self.empty_trust_rejects {
                no_trust = true;
                None
            } else if roots.is_empty() {
                return Err(bad_config(
                    "no trusted CA certificates: load some (or verify nothing, on purpose)",
                ));
            } else {
                Some(
                    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                        .build()
                        .map_err(|e| bad_config(e.to_string()))?,
                )
            }
        };
        let verifier = PolicyVerifier::new(
            chain_verifier,
            self.check_hostname,
            self.pins.clone(),
            provider.clone(),
        )
        .rejecting_all(no_trust);
        let builder = ClientConfig::builder_with_provider(provider)
            .with_protocol_versions(&self.versions()?)
            .map_err(|e| bad_config(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier));
        let mut config = match &self.identity {
            Some(id) => builder
                .with_client_auth_cert(id.chain.clone(), id.key.clone_key())
                .map_err(|e| bad_config(e.to_string()))?,
            None => builder.with_no_client_auth(),
        };
        config.alpn_protocols = self.alpn.clone();
        Ok(Arc::new(config))
    }

    /// The rustls server configuration for this policy (an identity is required).
    pub fn server_config(&self) -> Result<Arc<ServerConfig>, TlsFailure> {
        let provider = self.provider()?;
        let id = self
            .identity
            .as_ref()
            .ok_or_else(|| bad_config("a server needs a certificate and key (load_cert_chain)"))?;
        let builder = ServerConfig::builder_with_provider(provider.clone())
            .with_protocol_versions(&self.versions()?)
            .map_err(|e| bad_config(e.to_string()))?;
        let builder = match self.verify {
            VerifyMode::None => builder.with_no_client_auth(),
            mode => {
                let roots = Arc::new(self.root_store()?);
                let mut vb = WebPkiClientVerifier::builder_with_provider(roots, provider);
                if mode == VerifyMode::Optional {
                    vb = vb.allow_unauthenticated();
                }
                let verifier = vb
                    .build()
                    .map_err(|e| bad_config(format!("client certificate verification: {e}")))?;
                builder.with_client_cert_verifier(verifier)
            }
        };
        let mut config = builder
            .with_single_cert(id.chain.clone(), id.key.clone_key())
            .map_err(|e| bad_config(e.to_string()))?;
        config.alpn_protocols = self.alpn.clone();
        Ok(Arc::new(config))
    }
}

/// The crypto provider: rustls on ring, with every cipher suite it offers.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The OpenSSL names of every cipher suite rustls offers here (`set_ciphers` chooses among them).
pub fn supported_cipher_names() -> Vec<String> {
    provider()
        .cipher_suites
        .iter()
        .map(|s| super::stream::openssl_cipher_name(s.suite()).0)
        .collect()
}
