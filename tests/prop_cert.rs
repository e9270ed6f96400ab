//! Property tests for certificate parsing (`core::tls::peer_cert`): certificates made by rcgen
//! with generated names decode to exactly those names; any byte string (random, or a real
//! certificate with bytes flipped, cut or appended) decodes or is refused as `BadConfig`, never a
//! panic; and validity times print as OpenSSL does (checked against the C library's `gmtime_r`).

use std::net::IpAddr;

use proptest::prelude::*;
use rcgen::{CertificateParams, DnType, KeyPair, SanType, SerialNumber};
use sockbridge::core::tls::peer_cert::{decode, openssl_time};
use sockbridge::core::tls::TlsReason;

fn make_cert(cn: &str, dns: &[String], ips: &[IpAddr], serial: &[u8]) -> Vec<u8> {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    for d in dns {
        p.subject_alt_names
            .push(SanType::DnsName(d.clone().try_into().unwrap()));
    }
    for ip in ips {
        p.subject_alt_names.push(SanType::IpAddress(*ip));
    }
    p.serial_number = Some(SerialNumber::from_slice(serial));
    let key = KeyPair::generate().unwrap();
    p.self_signed(&key).unwrap().der().to_vec()
}

/// OpenSSL's text for an IP SAN: IPv4 dotted, IPv6 all eight groups in uppercase hex.
fn openssl_ip(ip: &IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => v6
            .segments()
            .iter()
            .map(|g| format!("{g:X}"))
            .collect::<Vec<_>>()
            .join(":"),
    }
}

fn gmtime_text(t: i64) -> String {
    // SAFETY: tm is plain data; gmtime_r fills it; strftime writes at most buf.len() bytes.
    unsafe {
        let mut tm: libc::tm = std::mem::zeroed();
        let tt: libc::time_t = t;
        assert!(!libc::gmtime_r(&tt, &mut tm).is_null());
        let mut buf = [0u8; 64];
        let n = libc::strftime(
            buf.as_mut_ptr().cast(),
            buf.len(),
            c"%b %e %H:%M:%S %Y GMT".as_ptr(),
            &tm,
        );
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }
}

fn dns_name() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9-]{0,12}(\\.[a-z][a-z0-9]{0,8}){0,3}"
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Names and serial numbers in, the same names and serial out (CPython's shapes).
    #[test]
    fn generated_certificates_decode_to_their_names(
        cn in "[A-Za-z0-9 .,'()-]{1,40}",
        dns in proptest::collection::vec(dns_name(), 0..4),
        ips in proptest::collection::vec(any::<IpAddr>(), 0..3),
        mut serial in proptest::collection::vec(any::<u8>(), 1..20),
    ) {
        serial[0] &= 0x7f; // a positive INTEGER
        if serial[0] == 0 { serial[0] = 1; }
        let der = make_cert(&cn, &dns, &ips, &serial);
        let info = decode(&der).unwrap();
        prop_assert_eq!(&info.subject, &vec![vec![("commonName".to_string(), cn.clone())]]);
        prop_assert_eq!(&info.issuer, &info.subject, "self-signed");
        prop_assert_eq!(info.version, 3);
        let hex: String = serial.iter().map(|b| format!("{b:02X}")).collect();
        prop_assert_eq!(&info.serial_number, &hex);
        let mut want: Vec<(String, String)> = dns.iter().map(|d| ("DNS".to_string(), d.clone())).collect();
        want.extend(ips.iter().map(|ip| ("IP Address".to_string(), openssl_ip(ip))));
        prop_assert_eq!(&info.subject_alt_names, &want);
        prop_assert!(info.not_before.ends_with(" GMT") && info.not_after.ends_with(" GMT"));
    }

    /// A real certificate damaged anywhere: decoded or refused with BadConfig, never a panic.
    #[test]
    fn damaged_certificates_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..6),
        cut in any::<prop::sample::Index>(),
        tail in proptest::collection::vec(any::<u8>(), 0..16),
        do_cut in any::<bool>(),
    ) {
        let mut der = base_cert().clone();
        for (at, x) in &flips {
            let i = at.index(der.len());
            der[i] ^= x;
        }
        if do_cut {
            der.truncate(cut.index(der.len()));
        }
        der.extend_from_slice(&tail);
        if let Err(e) = decode(&der) {
            prop_assert_eq!(e.reason, TlsReason::BadConfig);
        }
    }

    /// Random bytes: refused (or, vanishingly rarely, decoded), never a panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Err(e) = decode(&bytes) {
            prop_assert_eq!(e.reason, TlsReason::BadConfig);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

    /// Validity times print as OpenSSL's ASN1_TIME_print (which is C's "%b %e %H:%M:%S %Y GMT").
    #[test]
    fn times_match_the_c_library(t in -2_208_988_800i64..253_402_300_799) {
        prop_assert_eq!(openssl_time(t), gmtime_text(t));
    }
}

fn base_cert() -> &'static Vec<u8> {
    static CERT: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    CERT.get_or_init(|| {
        make_cert(
            "base.test",
            &["base.test".into(), "www.base.test".into()],
            &["127.0.0.1".parse().unwrap(), "::1".parse().unwrap()],
            &[0x12, 0x34],
        )
    })
}
