"""Writes py27_names.txt (run on CPython 2.7.18): the names c12_py27_api.py expects."""
import socket, _socket, select
s = socket.socket()
out = open('py27_names.txt', 'w')
for name, obj in (('socket', socket), ('_socket', _socket), ('select', select), ('sockobj', s), ('realsock', s._sock)):
    out.write('%s %s\n' % (name, ' '.join(n for n in dir(obj) if not n.startswith('__') or n in ('__enter__',))))
