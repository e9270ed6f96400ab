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
            assertTrue(py.eval("socket.__file__").toString().contains("sockbridge/jython/socket"));
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

    private static final String CATCH_ERRORS = "import socket\n"
            + "def refused():\n"
            + "    s = socket.socket()\n"
            + "    s.bind(('127.0.0.1', 0))\n"
            + "    port = s.getsockname()[1]\n"
            + "    s.close()\n"
            + "    c = socket.socket()\n"
            + "    try:\n"
            + "        c.connect(('127.0.0.1', port))\n"
            + "        return 'connected'\n"
            + "    except socket.error as e:\n"
            + "        return '%s %d' % (type(e).__name__, e.args[0])\n"
            + "    finally:\n"
            + "        c.close()\n"
            + "def timed_out():\n"
            + "    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            + "    u.bind(('127.0.0.1', 0))\n"
            + "    u.settimeout(0.05)\n"
            + "    try:\n"
            + "        u.recv(1)\n"
            + "        return 'data'\n"
            + "    except socket.timeout as e:\n"
            + "        return 'timeout'\n"
            + "    finally:\n"
            + "        u.close()\n";

    /**
     * Two interpreters, each with its own PySystemState, import their own socket modules: the
     * exceptions the data path raises are each interpreter's own classes, so {@code except
     * socket.error} keeps matching in the first after the second imported socket.
     */
    @Test
    public void eachInterpreterRaisesItsOwnExceptionClasses() throws Exception {
        // On its own thread: a PythonInterpreter makes its PySystemState the thread's current
        // one, which other tests' default interpreters would then inherit.
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                twoInterpreters();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join(120_000);
        assertFalse("still running", t.isAlive());
        if (failure[0] != null) {
            throw new AssertionError(failure[0]);
        }
    }

    private static void twoInterpreters() {
        try (PythonInterpreter first = new PythonInterpreter(null, new org.python.core.PySystemState());
                PythonInterpreter second = new PythonInterpreter(null, new org.python.core.PySystemState())) {
            SockbridgeJython.install(first);
            first.exec(CATCH_ERRORS);
            SockbridgeJython.install(second);
            second.exec(CATCH_ERRORS);
            assertNotSame(first.eval("socket.error"), second.eval("socket.error"));
            for (PythonInterpreter py : new PythonInterpreter[] {first, second, first}) {
                assertEquals("error 111", py.eval("refused()").toString());
                assertEquals("timeout", py.eval("timed_out()").toString());
            }
        }
    }
}
