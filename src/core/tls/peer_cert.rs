//! A certificate in the shape CPython's `getpeercert()` gives: subject and issuer as RDN
//! sequences with OpenSSL's long attribute names, version, serial number in hex, validity in
//! OpenSSL's text form, and subjectAltName entries.

use x509_parser::extensions::{DistributionPointName, GeneralName, ParsedExtension};
use x509_parser::prelude::{FromDer, X509Certificate, X509Name};

use super::failure::{TlsFailure, TlsReason};

/// The decoded fields of a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertInfo {
    /// RDNs of the subject, each a list of (attribute long name, value).
    pub subject: Vec<Vec<(String, String)>>,
    /// RDNs of the issuer.
    pub issuer: Vec<Vec<(String, String)>>,
    /// X.509 version as CPython shows it (3 for v3).
    pub version: u32,
    /// Serial number, uppercase hex.
    pub serial_number: String,
    /// `notBefore`, e.g. `"Jan  5 09:34:43 2018 GMT"`.
    pub not_before: String,
    /// `notAfter`.
    pub not_after: String,
    /// subjectAltName entries: (`"DNS"` | `"IP Address"` | `"email"` | `"URI"`, value).
    pub subject_alt_names: Vec<(String, String)>,
    /// URIs from authorityInfoAccess and cRLDistributionPoints, keyed as CPython's
    /// `getpeercert()` does: (`"OCSP"` | `"caIssuers"` | `"crlDistributionPoints"`, URI).
    pub uris: Vec<(&'static str, String)>,
}

/// OpenSSL's long name for an attribute OID (dotted form when unknown).
fn attribute_name(oid: &str) -> String {
    match oid {
        "2.5.4.3" => "commonName",
        "2.5.4.4" => "surname",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "countryName",
        "2.5.4.7" => "localityName",
        "2.5.4.8" => "stateOrProvinceName",
        "2.5.4.9" => "streetAddress",
        "2.5.4.10" => "organizationName",
        "2.5.4.11" => "organizationalUnitName",
        "2.5.4.12" => "title",
        "2.5.4.42" => "givenName",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "domainComponent",
        "0.9.2342.19200300.100.1.1" => "userId",
        other => return other.to_string(),
    }
    .to_string()
}

fn rdns(name: &X509Name<'_>) -> Vec<Vec<(String, String)>> {
    name.iter()
        .map(|rdn| {
            rdn.iter()
                .map(|atv| {
                    let value = atv.as_str().map(str::to_string).unwrap_or_else(|_| {
                        String::from_utf8_lossy(atv.attr_value().data).into_owned()
                    });
                    (attribute_name(&atv.attr_type().to_id_string()), value)
                })
                .collect()
        })
        .collect()
}

/// Seconds since 1970 as OpenSSL prints an `ASN1_TIME`: `"Mon DD HH:MM:SS YYYY GMT"` with the
/// day padded by a space.
pub fn openssl_time(unix: i64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil date from days since the epoch (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{} {:>2} {:02}:{:02}:{:02} {} GMT",
        MONTHS[(month - 1) as usize],
        day,
        secs / 3600,
        secs % 3600 / 60,
        secs % 60,
        year
    )
}

fn ip_text(bytes: &[u8]) -> String {
    match bytes.len() {
        4 => std::net::Ipv4Addr::new(bytes[0], bytes[1], bytes[2], bytes[3]).to_string(),
        16 => {
            let mut b = [0u8; 16];
            b.copy_from_slice(bytes);
            // OpenSSL prints every group, uppercase, unabbreviated.
            b.chunks(2)
                .map(|g| format!("{:X}", u16::from_be_bytes([g[0], g[1]])))
                .collect::<Vec<_>>()
                .join(":")
        }
        _ => format!("<invalid {} bytes>", bytes.len()),
    }
}

/// Decodes a DER certificate.
pub fn decode(der: &[u8]) -> Result<CertInfo, TlsFailure> {
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| {
        TlsFailure::new(
            TlsReason::BadConfig,
            format!("not a valid X.509 certificate: {e}"),
        )
    })?;
    let mut serial = cert.raw_serial();
    if serial.len() > 1 && serial[0] == 0 {
        serial = &serial[1..];
    }
    let mut sans = Vec::new();
    if let Ok(Some(ext)) = cert.subject_alternative_name() {
        for name in &ext.value.general_names {
            match name {
                GeneralName::DNSName(s) => sans.push(("DNS".into(), s.to_string())),
                GeneralName::IPAddress(b) => sans.push(("IP Address".into(), ip_text(b))),
                GeneralName::RFC822Name(s) => sans.push(("email".into(), s.to_string())),
                GeneralName::URI(s) => sans.push(("URI".into(), s.to_string())),
                _ => {}
            }
        }
    }
    let mut uris = Vec::new();
    for ext in cert.extensions() {
        match ext.parsed_extension() {
            ParsedExtension::AuthorityInfoAccess(aia) => {
                for d in &aia.accessdescs {
                    let kind = match d.access_method.to_id_string().as_str() {
                        "1.3.6.1.5.5.7.48.1" => "OCSP",
                        "1.3.6.1.5.5.7.48.2" => "caIssuers",
                        _ => continue,
                    };
                    if let GeneralName::URI(u) = &d.access_location {
                        uris.push((kind, u.to_string()));
                    }
                }
            }
            ParsedExtension::CRLDistributionPoints(cdp) => {
                for point in &cdp.points {
                    if let Some(DistributionPointName::FullName(names)) = &point.distribution_point
                    {
                        for n in names {
                            if let GeneralName::URI(u) = n {
                                uris.push(("crlDistributionPoints", u.to_string()));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(CertInfo {
        uris,
        subject: rdns(cert.subject()),
        issuer: rdns(cert.issuer()),
        version: cert.version().0 + 1,
        serial_number: serial.iter().map(|b| format!("{b:02X}")).collect(),
        not_before: openssl_time(cert.validity().not_before.timestamp()),
        not_after: openssl_time(cert.validity().not_after.timestamp()),
        subject_alt_names: sans,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_print_as_openssl_does() {
        assert_eq!(openssl_time(0), "Jan  1 00:00:00 1970 GMT");
        assert_eq!(openssl_time(1_515_144_883), "Jan  5 09:34:43 2018 GMT");
        assert_eq!(openssl_time(4_102_444_800), "Jan  1 00:00:00 2100 GMT");
    }

    #[test]
    fn garbage_is_refused() {
        assert_eq!(
            decode(b"not a cert").unwrap_err().reason,
            TlsReason::BadConfig
        );
    }
}
