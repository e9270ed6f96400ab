package org.sockbridge;

import static org.junit.Assert.*;
import static org.sockbridge.SocketConstants.*;

import java.util.List;
import org.junit.Test;

/** The system resolver through the facade, with CPython's results and errors. */
public class ResolverTest {
    @Test
    public void getaddrinfoFiltersAndFlags() throws Exception {
        List<Resolver.AddrInfo> r = Resolver.getaddrinfo("127.0.0.1", "80", AF_INET, SOCK_STREAM, 0, AI_NUMERICHOST);
        assertEquals(1, r.size());
        assertEquals(AF_INET, r.get(0).family);
        assertEquals(SOCK_STREAM, r.get(0).type);
        assertEquals(IPPROTO_TCP, r.get(0).proto);
        assertEquals("('127.0.0.1', 80)", r.get(0).address.toString());

        List<Resolver.AddrInfo> passive = Resolver.getaddrinfo(null, "8080", AF_INET6, SOCK_DGRAM, 0, AI_PASSIVE);
        assertEquals("('::', 8080, 0, 0)", passive.get(0).address.toString());

        List<Resolver.AddrInfo> canon = Resolver.getaddrinfo("localhost", null, AF_INET, SOCK_STREAM, 0, AI_CANONNAME);
        assertEquals("localhost", canon.get(0).canonName);

        try {
            Resolver.getaddrinfo("localhost", "80", AF_INET, 0, 0, AI_NUMERICHOST);
            fail();
        } catch (AddressLookupError e) {
            assertEquals(EAI_NONAME, e.errno());
        }
        try {
            Resolver.getaddrinfo("127.0.0.1", "no-such-service", 0, SOCK_STREAM, 0, 0);
            fail();
        } catch (AddressLookupError e) {
            assertEquals(EAI_SERVICE, e.errno());
            assertEquals("Servname not supported for ai_socktype", e.strerror());
        }
        try {
            Resolver.getaddrinfo(null, null, 0, 0, 0, 0);
            fail();
        } catch (AddressLookupError e) {
            assertEquals(-2, e.errno());
        }
    }

    @Test
    public void reverseLookupsAndHostEntries() throws Exception {
        String[] ni = Resolver.getnameinfo(SockAddr.inet("127.0.0.1", 22), NI_NUMERICHOST | NI_NUMERICSERV);
        assertArrayEquals(new String[] {"127.0.0.1", "22"}, ni);
        assertEquals("ssh", Resolver.getnameinfo(SockAddr.inet("127.0.0.1", 22), NI_NUMERICHOST)[1]);
        assertEquals("127.0.0.1", Resolver.gethostbyname("localhost"));
        Resolver.HostEntry e = Resolver.gethostbynameEx("localhost");
        assertTrue(e.addresses.contains("127.0.0.1"));
        Resolver.HostEntry back = Resolver.gethostbyaddr("127.0.0.1");
        assertEquals("localhost", back.name);
        try {
            Resolver.gethostbyaddr("192.0.2.77"); // TEST-NET-1: no entry; /etc/hosts only, no traffic
        } catch (HostLookupError ex) {
            assertEquals(1, ex.errno());
            assertEquals("Unknown host", ex.strerror());
        } catch (AddressLookupError ex) {
            // A resolver that answers through DNS may time out instead; both are lookups errors.
            assertTrue(ex.errno() < 0);
        }
        assertFalse(Resolver.gethostname().isEmpty());
    }

    @Test
    public void servicesProtocolsAndTextForms() throws Exception {
        assertEquals(80, Resolver.getservbyname("http", "tcp"));
        assertEquals(53, Resolver.getservbyname("domain", null));
        assertEquals("ssh", Resolver.getservbyport(22, "tcp"));
        assertEquals(6, Resolver.getprotobyname("tcp"));
        SocketError e = Net.expectError(() -> Resolver.getservbyname("nonesuch", "tcp"));
        assertEquals(0, e.errno());
        assertEquals("service/proto not found", e.getMessage());
        assertEquals("protocol not found", Net.expectError(() -> Resolver.getprotobyname("nonesuch")).getMessage());
        assertArrayEquals(new byte[] {127, 0, 0, 1}, Resolver.inetAton("127.1"));
        assertEquals("::ffff:1.2.3.4", Resolver.inetNtop(AF_INET6, Resolver.inetPton(AF_INET6, "::ffff:1.2.3.4")));
        assertEquals("('::1', 5, 1, 2)", SockAddr.inet6("::1", 5, 1, 2).toString());
    }
}
