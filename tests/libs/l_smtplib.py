"""The standard library's smtplib with STARTTLS and AUTH against aiosmtpd on python3; the
message the server delivered is read back from its spool and compared."""
import json
import os
import time

from libcheck import CONFIG, TAG, case, eq, raises

import smtplib

SPOOL = CONFIG['smtp_spool']


def delivered(token, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        for name in sorted(os.listdir(SPOOL)):
            if name.endswith('.json'):
                with open(os.path.join(SPOOL, name)) as f:
                    record = json.load(f)
                if token in record['data']:
                    return record
        time.sleep(0.1)
    raise AssertionError('no delivered message carries %s' % token)


def message(token, extra=''):
    return ('From: Sender <sender@example.test>\r\nTo: a@example.test, b@example.test\r\n'
            'Subject: %s\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'
            'Body of %s.\r\n.a line that starts with a dot\r\nutf-8: caf\xc3\xa9\r\n%s'
            % (token, token, extra))


@case('starttls_auth_sendmail_delivered')
def _():
    token = 'token-%s-%d' % (TAG, time.time() * 1000)
    smtp = smtplib.SMTP('127.0.0.1', CONFIG['smtp'], timeout=20)
    eq(250, smtp.ehlo()[0])
    if not smtp.has_extn('starttls'):
        raise AssertionError(smtp.esmtp_features)
    eq(220, smtp.starttls()[0])
    eq(250, smtp.ehlo()[0])
    if 'PLAIN' not in smtp.esmtp_features.get('auth', ''):
        raise AssertionError(smtp.esmtp_features)
    eq(235, smtp.login('sbuser', 's3cret')[0])
    body = ''.join('line %04d of a longer body\r\n' % i for i in range(2000))
    eq({}, smtp.sendmail('sender@example.test', ['a@example.test', 'b@example.test'],
                         message(token, body)))
    eq(221, smtp.quit()[0])
    record = delivered(token)
    eq('sender@example.test', record['mail_from'])
    eq(['a@example.test', 'b@example.test'], record['rcpt_tos'])
    eq(True, record['tls'], 'delivered over TLS')
    eq(True, record['authenticated'])
    eq(message(token, body).replace('\r\n', '\n'),
       record['data'].encode('latin-1').replace('\r\n', '\n'))


@case('smtp_ssl_auth_sendmail_delivered')
def _():
    token = 'token-ssl-%s-%d' % (TAG, time.time() * 1000)
    smtp = smtplib.SMTP_SSL('127.0.0.1', CONFIG['smtps'], timeout=20)
    eq(250, smtp.ehlo()[0])
    eq(235, smtp.login('sbuser', 's3cret')[0])
    eq({}, smtp.sendmail('sender@example.test', ['a@example.test'], message(token)))
    eq(221, smtp.quit()[0])
    record = delivered(token)
    eq(['a@example.test'], record['rcpt_tos'])
    eq(True, record['tls'], 'delivered over TLS')
    eq(message(token).replace('\r\n', '\n'),
       record['data'].encode('latin-1').replace('\r\n', '\n'))


@case('mail_before_starttls_refused')
def _():
    smtp = smtplib.SMTP('127.0.0.1', CONFIG['smtp'], timeout=20)
    e = raises(smtplib.SMTPSenderRefused, smtp.sendmail, 'sender@example.test',
               ['a@example.test'], message('never-%s' % TAG))
    eq(530, e.smtp_code)
    smtp.quit()


@case('wrong_password_refused')
def _():
    smtp = smtplib.SMTP('127.0.0.1', CONFIG['smtp'], timeout=20)
    smtp.starttls()
    smtp.ehlo()
    e = raises(smtplib.SMTPAuthenticationError, smtp.login, 'sbuser', 'wrong')
    eq(535, e.smtp_code)
    smtp.quit()
