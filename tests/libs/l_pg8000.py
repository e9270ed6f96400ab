"""pg8000 1.12 (pure Python, from PyPI) against Debian's PostgreSQL: TCP, a unix socket, TLS."""
import datetime
import decimal
import os
import socket
import ssl

from libcheck import CONFIG, CA, CERTS, TAG, case, eq, raises

import pg8000

ARGS = dict(user='sbtest', password='s3cret', database='postgres')
TABLE = 'items_%s' % TAG


def tcp(**kw):
    return pg8000.connect(host='127.0.0.1', port=CONFIG['pg_port'], **dict(ARGS, **kw))


def round_trip(conn, suffix):
    table = TABLE + suffix
    cur = conn.cursor()
    cur.execute('DROP TABLE IF EXISTS %s' % table)
    cur.execute('CREATE TABLE %s (id serial PRIMARY KEY, name text, price numeric(10,2), '
                'born timestamp, data bytea, tags text[])' % table)
    rows = [(u'caf\u00e9 \u2603', decimal.Decimal('12.50'), datetime.datetime(2020, 2, 29, 23, 59, 58),
             pg8000.Binary(b'\x00\x01\xffbinary'), [u'a', u'b']),
            (u'second', decimal.Decimal('0.01'), datetime.datetime(1999, 12, 31, 0, 0, 0),
             pg8000.Binary(b''), [])]
    for r in rows:
        cur.execute('INSERT INTO %s (name, price, born, data, tags) VALUES (%%s, %%s, %%s, %%s, %%s)'
                    % table, r)
    conn.commit()
    cur.execute('SELECT name, price, born, data, tags FROM %s ORDER BY id' % table)
    got = [tuple(r) for r in cur.fetchall()]
    eq([(n, p, b, bytes(d), t) for n, p, b, d, t in rows],
       [(n, p, b, bytes(d), t) for n, p, b, d, t in got])
    cur.execute('SELECT count(*), sum(price) FROM %s' % table)
    eq([2, decimal.Decimal('12.51')], list(cur.fetchone()))
    cur.execute('SELECT x, md5(x::text) FROM generate_series(1, 5000) AS x')
    many = cur.fetchall()
    eq(5000, len(many))
    eq(5000, many[-1][0])
    cur.execute('DROP TABLE %s' % table)
    conn.commit()


@case('tcp_create_insert_select')
def _():
    conn = tcp()
    round_trip(conn, '_tcp')
    cur = conn.cursor()
    cur.execute('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
    eq(False, cur.fetchone()[0], 'ssl in use')
    conn.close()


@case('unix_socket_create_insert_select')
def _():
    conn = pg8000.connect(unix_sock=CONFIG['pg_unix'], **ARGS)
    round_trip(conn, '_unix')
    cur = conn.cursor()
    cur.execute('SELECT client_addr IS NULL FROM pg_stat_activity WHERE pid = pg_backend_pid()')
    eq(True, cur.fetchone()[0], 'connected over a unix socket')
    conn.close()


@case('tls_verified_create_insert_select')
def _():
    conn = tcp(ssl={'ca_certs': CA})
    round_trip(conn, '_tls')
    cur = conn.cursor()
    cur.execute('SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()')
    row = cur.fetchone()
    eq(True, row[0], 'ssl in use')
    if row[1] not in ('TLSv1.2', 'TLSv1.3'):
        raise AssertionError(row)
    conn.close()


@case('tls_unknown_ca_rejected')
def _():
    e = raises(pg8000.InterfaceError, tcp, ssl={'ca_certs': os.path.join(CERTS, 'other_ca.pem')})
    eq('communication error', e.args[0])
    if not isinstance(e.args[1], ssl.SSLError) or 'CERTIFICATE_VERIFY_FAILED' not in str(e.args[1]):
        raise AssertionError(repr(e.args))


@case('wrong_password_rejected')
def _():
    e = raises(pg8000.ProgrammingError, tcp, password='wrong')
    if 'password authentication failed' not in str(e):
        raise AssertionError(str(e))


@case('transaction_rollback')
def _():
    conn = tcp()
    cur = conn.cursor()
    cur.execute('CREATE TABLE IF NOT EXISTS %s_tx (v int)' % TABLE)
    conn.commit()
    cur.execute('INSERT INTO %s_tx VALUES (1)' % TABLE)
    conn.rollback()
    cur.execute('SELECT count(*) FROM %s_tx' % TABLE)
    eq(0, cur.fetchone()[0])
    e = raises(pg8000.ProgrammingError, cur.execute, 'SELECT * FROM no_such_table')
    if '42P01' not in str(e):
        raise AssertionError(str(e))
    conn.rollback()
    cur.execute('DROP TABLE %s_tx' % TABLE)
    conn.commit()
    conn.close()
