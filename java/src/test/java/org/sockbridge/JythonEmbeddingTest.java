package org.sockbridge;

import static org.junit.Assert.*;

import org.junit.Test;
import org.python.core.PyObject;
import org.python.util.PythonInterpreter;
import org.sockbridge.jython.SockbridgeJython;

/** Embedded activation: one call installs the plug-in into a PythonInterpreter. */
public class JythonEmbeddingTest {
    @Test
    public void installMakesImportSocketUseSockbridge() {
        try (PythonInterpreter py = new PythonInterpreter()) {
            py.exec("import socket as before");
            String stock = py.eval("before.__name__ + ':' + str(getattr(before, '__file__', ''))").toString();
            SockbridgeJython.install(py);
            SockbridgeJython.install(py); // idempotent
            py.exec("import socket, select\n"
                    + "a, b = socket.socketpair()\n"
                    + "a.sendall('embedded')\n"
                    + "got = b.recv(100)\n"
                    + "fd = a.fileno()\n"
                    + "ready = select.select([b], [a], [], 0)\n"
                    + "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                    + "u.bind(('127.0.0.1', 0))\n"
                    + "u.settimeout(0)\n"
                    + "try:\n"
                    + "    u.recv(1)\n"
                    + "    eagain = None\n"
                    + "except socket.error as e:\n"
                    + "    eagain = e.args[0]\n");
            assertTrue(py.eval("socket.__file__").toString().contains("sockbridge/jython/socket.py"));
            assertEquals("embedded", py.eval("got").toString());
            PyObject fd = py.eval("fd");
            assertTrue("fileno() is an int", fd.isIndex());
            assertTrue(fd.asInt() > 2);
            assertEquals(11, py.eval("eagain").asInt());
            assertEquals(1, py.eval("len(ready[1])").asInt());
            assertFalse("stock module was replaced: " + stock, stock.contains("sockbridge"));
            // Jython's os needs Debian's libjffi from the JVM's default library path; the plug-in
            // must not cost an embedding program os.getpid() and friends.
            py.exec("import os, getpass\npid = os.getpid()\nuser = getpass.getuser()\nuid = os.getuid()");
            assertEquals(ProcessHandle.current().pid(), py.eval("pid").asLong());
            assertEquals(System.getProperty("user.name"), py.eval("user").toString());
        }
    }
}
