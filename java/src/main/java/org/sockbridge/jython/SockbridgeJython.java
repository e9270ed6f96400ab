package org.sockbridge.jython;

import org.python.core.Py;
import org.python.core.PyObject;
import org.python.core.PyString;
import org.python.core.PySystemState;
import org.python.util.PythonInterpreter;

/**
 * Activates the sockbridge {@code socket}, {@code _socket}, {@code select} and {@code ssl} modules in a
 * Jython interpreter: puts the modules shipped in this jar first on {@code sys.path} and drops
 * any copies of those modules already imported. The jar also ships CPython 2.7.18's network
 * modules (asyncore, ftplib, SocketServer, ...) in place of Jython's older copies.
 *
 * <pre>
 * PythonInterpreter py = new PythonInterpreter();
 * SockbridgeJython.install(py);
 * py.exec("import socket; print socket.socket().fileno()");
 * </pre>
 */
public final class SockbridgeJython {
    /** The {@code sys.path} entry naming the modules inside the jar. */
    public static final String MODULE_PATH = "__pyclasspath__/sockbridge/jython";

    private static final String[] REPLACED = {
        "socket", "_socket", "select", "ssl", "_sockbridge_file", "signal", "_sockbridge_signal",
        // CPython 2.7.18's network modules shipped in place of Jython's older copies (see
        // LICENSE-PSF-2.7.18.txt beside the modules): a copy imported before install goes too.
        "asyncore", "asynchat", "ftplib", "poplib", "smtplib", "imaplib", "telnetlib", "httplib",
        "urllib", "robotparser", "SocketServer", "BaseHTTPServer", "SimpleHTTPServer", "CGIHTTPServer",
        "SimpleXMLRPCServer", "wsgiref", "wsgiref.handlers", "wsgiref.headers",
        "wsgiref.simple_server", "wsgiref.util", "wsgiref.validate"};

    private SockbridgeJython() {}

    /** Installs into the given system state (idempotent). */
    public static void install(PySystemState sys) {
        org.sockbridge.NativeLibrary.load();
        PyString entry = Py.newString(MODULE_PATH);
        if (!sys.path.__contains__(entry)) {
            sys.path.insert(0, entry);
        }
        PyObject modules = sys.modules;
        for (String name : REPLACED) {
            PyString key = Py.newString(name);
            if (modules.__finditem__(key) != null) {
                modules.__delitem__(key);
            }
        }
    }

    /** Installs into an interpreter's system state. */
    public static void install(PythonInterpreter interpreter) {
        install(interpreter.getSystemState());
    }
}
