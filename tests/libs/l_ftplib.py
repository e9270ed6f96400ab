"""The standard library's ftplib (FTP, passive and active, and FTP_TLS with a protected data
channel) against pyftpdlib on python3.

FTP_TLS is used through the API both stdlibs have: Jython 2.7.3's ftplib predates 2.7.9's
FTP_TLS(context=...) (it calls ssl.wrap_socket with ssl_version=PROTOCOL_TLSv1, no certificate
check), so the server is identified by comparing its certificate with the test one."""
import hashlib
import os
import ssl
from io import BytesIO

from libcheck import CONFIG, TAG, case, eq, raises

import ftplib

PAYLOAD = b''.join(hashlib.sha256(str(i).encode()).digest() for i in range(48 * 1024))  # 1.5 MB
HOME = CONFIG['ftp_home']


def session(ftp, name):
    eq('/', ftp.pwd())
    lines = []
    ftp.retrlines('RETR readme.txt', lines.append)
    eq(['files served by pyftpdlib', 'second line'], lines)
    ftp.storbinary('STOR %s' % name, BytesIO(PAYLOAD), blocksize=32768)
    with open(os.path.join(HOME, name), 'rb') as f:
        eq(hashlib.sha256(PAYLOAD).hexdigest(), hashlib.sha256(f.read()).hexdigest(),
           'stored file on the server')
    eq(len(PAYLOAD), ftp.size(name))
    got = []
    ftp.retrbinary('RETR %s' % name, got.append)
    eq(hashlib.sha256(PAYLOAD).hexdigest(), hashlib.sha256(b''.join(got)).hexdigest(), 'RETR')
    if name not in ftp.nlst():
        raise AssertionError('%s not listed' % name)
    listing = []
    ftp.retrlines('LIST', listing.append)
    if not any(l.endswith(' ' + name) and str(len(PAYLOAD)) in l for l in listing):
        raise AssertionError(listing)
    ftp.rename(name, name + '.renamed')
    ftp.delete(name + '.renamed')
    if name + '.renamed' in ftp.nlst() or os.path.exists(os.path.join(HOME, name + '.renamed')):
        raise AssertionError('not deleted')
    ftp.mkd('dir-' + name)
    ftp.cwd('dir-' + name)
    eq('/dir-' + name, ftp.pwd())
    ftp.cwd('/')
    ftp.rmd('dir-' + name)
    e = raises(ftplib.error_perm, ftp.retrbinary, 'RETR no-such-file', got.append)
    eq('550', str(e)[:3])


@case('ftp_passive')
def _():
    ftp = ftplib.FTP()
    ftp.connect('127.0.0.1', CONFIG['ftp'], timeout=20)
    if 'pyftpdlib' not in ftp.getwelcome():
        raise AssertionError(ftp.getwelcome())
    ftp.login('sbuser', 's3cret')
    session(ftp, 'passive-%s.bin' % TAG)
    eq('221', ftp.quit()[:3])


@case('ftp_active_port')
def _():
    ftp = ftplib.FTP()
    ftp.connect('127.0.0.1', CONFIG['ftp'], timeout=20)
    ftp.login('sbuser', 's3cret')
    ftp.set_pasv(False)
    session(ftp, 'active-%s.bin' % TAG)
    ftp.quit()


@case('ftp_wrong_password')
def _():
    ftp = ftplib.FTP()
    ftp.connect('127.0.0.1', CONFIG['ftp'], timeout=20)
    e = raises(ftplib.error_perm, ftp.login, 'sbuser', 'nope')
    eq('530', str(e)[:3])
    ftp.close()


def tls_client():
    ftp = ftplib.FTP_TLS(timeout=20)
    ftp.connect('127.0.0.1', CONFIG['ftps'])
    return ftp


with open(os.path.join(CONFIG['certs'], 'server.pem')) as _f:
    SERVER_DER = ssl.PEM_cert_to_DER_cert(_f.read())


@case('ftps_protected_data_channel')
def _():
    ftp = tls_client()
    ftp.login('sbuser', 's3cret')          # AUTH TLS first
    eq('200', ftp.prot_p()[:3])
    eq(SERVER_DER, ftp.sock.getpeercert(True), 'server certificate')
    session(ftp, 'tls-%s.bin' % TAG)
    eq('221', ftp.quit()[:3])


@case('ftps_active_port_protected')
def _():
    ftp = tls_client()
    ftp.login('sbuser', 's3cret')
    ftp.prot_p()
    ftp.set_pasv(False)        # the server connects to us; we accept and start TLS as client
    session(ftp, 'tls-active-%s.bin' % TAG)
    ftp.quit()


@case('ftps_clear_data_refused_by_server')
def _():
    ftp = tls_client()
    ftp.login('sbuser', 's3cret')
    ftp.voidcmd('PBSZ 0')
    ftp.prot_c()
    e = raises(ftplib.error_perm, ftp.nlst)
    eq('550 SSL/TLS required on the data channel.', str(e))
    ftp.quit()


@case('ftps_plain_login_refused_by_server')
def _():
    ftp = ftplib.FTP()
    ftp.connect('127.0.0.1', CONFIG['ftps'], timeout=20)
    e = raises(ftplib.error_perm, ftp.login, 'sbuser', 's3cret')
    eq('550', str(e)[:3])
    ftp.close()
