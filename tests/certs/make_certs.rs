//! Makes the test certificates at test time (nothing is committed): a CA, a second "unknown"
//! CA, and leaf certificates for each cell of the TLS policy matrix.
//!
//! Usage: `cargo run --example make_certs -- <output dir>`

use std::fs;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use rcgen::{
    date_time_ymd, BasicConstraints, Certificate, CertificateParams, DnType,
    ExtendedKeyUsagePurpose, IsCa, KeyPair, SanType,
};

struct Issuer {
    cert: Certificate,
    key: KeyPair,
}

fn this_year() -> i32 {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    1970 + (secs / 31_556_952) as i32
}

fn ca(name: &str) -> Issuer {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, name);
    p.distinguished_name
        .push(DnType::OrganizationName, "sockbridge tests");
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let y = this_year();
    p.not_before = date_time_ymd(y - 1, 1, 1);
    p.not_after = date_time_ymd(y + 5, 1, 1);
    let key = KeyPair::generate().unwrap();
    let cert = p.self_signed(&key).unwrap();
    Issuer { cert, key }
}

fn leaf(
    dir: &Path,
    file: &str,
    cn: &str,
    sans: Vec<SanType>,
    years: (i32, i32),
    issuer: Option<&Issuer>,
    client: bool,
) {
    let mut p = CertificateParams::default();
    p.distinguished_name.push(DnType::CommonName, cn);
    p.distinguished_name.push(DnType::CountryName, "US");
    p.subject_alt_names = sans;
    let y = this_year();
    p.not_before = date_time_ymd(y + years.0, 1, 1);
    p.not_after = date_time_ymd(y + years.1, 1, 1);
    p.extended_key_usages = vec![if client {
        ExtendedKeyUsagePurpose::ClientAuth
    } else {
        ExtendedKeyUsagePurpose::ServerAuth
    }];
    let key = KeyPair::generate().unwrap();
    let cert = match issuer {
        Some(i) => p.signed_by(&key, &i.cert, &i.key).unwrap(),
        None => p.self_signed(&key).unwrap(),
    };
    fs::write(dir.join(format!("{file}.pem")), cert.pem()).unwrap();
    fs::write(dir.join(format!("{file}.key")), key.serialize_pem()).unwrap();
}

fn main() {
    let dir = std::env::args()
        .nth(1)
        .expect("usage: make_certs <output dir>");
    let dir = Path::new(&dir);
    fs::create_dir_all(dir).unwrap();
    let main_ca = ca("sockbridge Test CA");
    let other_ca = ca("sockbridge Other CA");
    fs::write(dir.join("ca.pem"), main_ca.cert.pem()).unwrap();
    fs::write(dir.join("ca.der"), main_ca.cert.der().as_ref()).unwrap();
    fs::write(dir.join("ca.key"), main_ca.key.serialize_pem()).unwrap();
    fs::write(dir.join("other_ca.pem"), other_ca.cert.pem()).unwrap();
    let localhost = || {
        vec![
            SanType::DnsName("localhost".try_into().unwrap()),
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::IpAddress(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ]
    };
    leaf(
        dir,
        "server",
        "localhost",
        localhost(),
        (-1, 2),
        Some(&main_ca),
        false,
    );
    leaf(
        dir,
        "expired",
        "localhost",
        localhost(),
        (-3, -2),
        Some(&main_ca),
        false,
    );
    leaf(
        dir,
        "future",
        "localhost",
        localhost(),
        (2, 3),
        Some(&main_ca),
        false,
    );
    leaf(
        dir,
        "wronghost",
        "wrong.example",
        vec![SanType::DnsName("wrong.example".try_into().unwrap())],
        (-1, 2),
        Some(&main_ca),
        false,
    );
    leaf(
        dir,
        "ipsan",
        "127.0.0.1",
        vec![SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST))],
        (-1, 2),
        Some(&main_ca),
        false,
    );
    leaf(
        dir,
        "selfsigned",
        "localhost",
        localhost(),
        (-1, 2),
        None,
        false,
    );
    leaf(
        dir,
        "unknownca",
        "localhost",
        localhost(),
        (-1, 2),
        Some(&other_ca),
        false,
    );
    leaf(
        dir,
        "client",
        "sockbridge client",
        vec![],
        (-1, 2),
        Some(&main_ca),
        true,
    );
    println!("certificates written to {}", dir.display());
}
