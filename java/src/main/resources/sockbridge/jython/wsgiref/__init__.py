# sockbridge: CPython 2.7.18's wsgiref/__init__.py, unmodified. The plug-in ships the whole 2.7.18 wsgiref
# package (a package is found whole on sys.path) for simple_server's 414 on over-long request
# lines; Jython 2.7.3's other wsgiref files differ only in a comment and validate's PATCH.
# Nothing Jython-specific is kept. License: PSF License Version 2 (see ../LICENSE-PSF-2.7.18.txt).
"""wsgiref -- a WSGI (PEP 333) Reference Library

Current Contents:

* util -- Miscellaneous useful functions and wrappers

* headers -- Manage response headers

* handlers -- base classes for server/gateway implementations

* simple_server -- a simple BaseHTTPServer that supports WSGI

* validate -- validation wrapper that sits between an app and a server
  to detect errors in either

To-Do:

* cgi_gateway -- Run WSGI apps under CGI (pending a deployment standard)

* cgi_wrapper -- Run CGI apps under WSGI

* router -- a simple middleware component that handles URL traversal
"""
