package org.sockbridge;

import static org.junit.Assert.*;

import org.junit.Test;
import org.python.core.PySystemState;
import org.python.util.PythonInterpreter;
import org.sockbridge.jython.SockbridgeJython;

/**
 * Embedded activation gives CPython 2.7.18's network modules shipped in the jar, not Jython
 * 2.7.3's older copies, also when the program imported the stock ones before {@code install}.
 */
public class VendoredStdlibTest {
    @Test
    public void installReplacesStockNetworkModulesImportedBefore() {
        // Its own sys state: other tests install the plug-in into Jython's default one.
        try (PythonInterpreter py = new PythonInterpreter(null, new PySystemState())) {
            py.exec("import poplib, ftplib\nstock = poplib.__file__");
            String stock = py.eval("stock").toString();
            assertFalse(stock, stock.contains("sockbridge"));
            SockbridgeJython.install(py);
            py.exec("import poplib, ftplib, SocketServer, BaseHTTPServer, asyncore\n"
                    + "files = [m.__file__ for m in (poplib, ftplib, SocketServer, BaseHTTPServer, asyncore)]\n"
                    + "pattern = poplib.POP3.timestamp.pattern\n"
                    + "try:\n"
                    + "    ftplib.FTP().putline('NOOP\\r\\nDELE x')\n"
                    + "    refused = None\n"
                    + "except ValueError as e:\n"
                    + "    refused = str(e)\n");
            for (int i = 0; i < 5; i++) {
                String f = py.eval("files[" + i + "]").toString();
                assertTrue(f, f.startsWith(SockbridgeJython.MODULE_PATH + "/"));
            }
            assertEquals("2.7.18's ReDoS-safe APOP regex", "\\+OK.[^<]*(<.*>)", py.eval("pattern").toString());
            assertEquals("an illegal newline character should not be contained", py.eval("refused").toString());
        }
    }
}
