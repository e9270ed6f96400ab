"""The standard library's poplib.POP3_SSL and imaplib.IMAP4_SSL against Debian's Dovecot with the
test server certificate and a test maildir holding two messages."""
import email
import ssl
import time

from libcheck import CONFIG, CERTS, TAG, case, eq, raises

import imaplib
import poplib

MESSAGES = [str(m) for m in CONFIG['messages']]
with open(CERTS + '/server.pem') as _f:
    SERVER_DER = ssl.PEM_cert_to_DER_cert(_f.read())


@case('pop3_ssl_stat_list_retr_top_uidl')
def _():
    pop = poplib.POP3_SSL('127.0.0.1', CONFIG['pop3s'])
    eq(SERVER_DER, pop.sslobj.getpeercert(True), 'server certificate')
    if 'Dovecot' not in pop.getwelcome():
        raise AssertionError(pop.getwelcome())
    pop.user('sbuser')
    pop.pass_('s3cret')
    eq((2, sum(len(m) for m in MESSAGES)), pop.stat())
    resp, listing, _ = pop.list()
    eq(['1 %d' % len(MESSAGES[0]), '2 %d' % len(MESSAGES[1])], listing)
    for i, msg in enumerate(MESSAGES):
        resp, lines, octets = pop.retr(i + 1)
        eq(msg.rstrip('\r\n').split('\r\n'), lines)
    resp, lines, _ = pop.top(2, 3)
    eq(MESSAGES[1].split('\r\n\r\n')[0].split('\r\n') + [''] +
       MESSAGES[1].split('\r\n\r\n')[1].split('\r\n')[:3], lines)
    eq(2, len(pop.uidl()[1]))
    pop.dele(1)
    eq((1, len(MESSAGES[1])), pop.stat())
    pop.rset()
    eq('+OK', pop.quit()[:3])


@case('pop3_ssl_wrong_password')
def _():
    pop = poplib.POP3_SSL('127.0.0.1', CONFIG['pop3s'])
    pop.user('sbuser')
    e = raises(poplib.error_proto, pop.pass_, 'wrong')
    if not str(e).startswith('-ERR'):
        raise AssertionError(str(e))
    pop.quit()


@case('imap4_ssl_select_search_fetch')
def _():
    imap = imaplib.IMAP4_SSL('127.0.0.1', CONFIG['imaps'])
    eq(SERVER_DER, imap.sslobj.getpeercert(True), 'server certificate')
    eq('OK', imap.login('sbuser', 's3cret')[0])
    typ, data = imap.select('INBOX', readonly=True)
    eq(('OK', ['2']), (typ, data))
    eq(('OK', ['1 2']), imap.search(None, 'ALL'))
    eq(('OK', ['2']), imap.search(None, 'SUBJECT', '"second message"'))
    for i, msg in enumerate(MESSAGES):
        typ, data = imap.fetch(str(i + 1), '(RFC822)')
        eq('OK', typ)
        eq(msg, data[0][1])
    typ, data = imap.fetch('1', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
    eq('Subject: first message', data[0][1].strip())
    imap.close()
    eq('BYE', imap.logout()[0])


@case('imap4_ssl_append_store_expunge')
def _():
    imap = imaplib.IMAP4_SSL('127.0.0.1', CONFIG['imaps'])
    imap.login('sbuser', 's3cret')
    box = 'Test-%s' % TAG
    eq('OK', imap.create(box)[0])
    body = ('From: me@example.test\r\nSubject: appended %s\r\n\r\n' % TAG +
            ''.join('appended line %d\r\n' % i for i in range(3000)))
    eq('OK', imap.append(box, '(\\Seen)', imaplib.Time2Internaldate(time.time()), body)[0])
    eq(('OK', ['1']), imap.select(box))
    typ, data = imap.fetch('1', '(FLAGS RFC822)')
    eq(body, data[0][1])
    if '\\Seen' not in data[0][0]:
        raise AssertionError(data[0][0])
    eq(email.message_from_string(body)['Subject'],
       email.message_from_string(data[0][1])['Subject'])
    imap.store('1', '+FLAGS', '\\Deleted')
    eq(('OK', ['1']), imap.expunge())
    eq(('OK', ['']), imap.search(None, 'ALL'))
    imap.close()
    eq('OK', imap.delete(box)[0])
    typ, boxes = imap.list()
    if any(box in b for b in boxes):
        raise AssertionError(boxes)
    imap.logout()


@case('imap4_ssl_wrong_password')
def _():
    imap = imaplib.IMAP4_SSL('127.0.0.1', CONFIG['imaps'])
    e = raises(imaplib.IMAP4.error, imap.login, 'sbuser', 'wrong')
    if 'AUTHENTICATIONFAILED' not in str(e):
        raise AssertionError(str(e))
    imap.logout()
