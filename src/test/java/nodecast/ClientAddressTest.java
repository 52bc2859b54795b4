package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

    @ParameterizedTest
    @CsvSource({"10.0.0.1,10.0.0.1", "255.255.255.255,255.255.255.255", "::1,0:0:0:0:0:0:0:1", "2001:db8::7,2001:db8:0:0:0:0:0:7"})
    void ip_literals_are_read_in_one_canonical_form(String text, String normal) {
        assertEquals(normal, ClientAddress.normal(text));
    }

    /** Each of these would be looked up as a host name if it reached InetAddress: a DNS wait on an IO thread. */
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256", "999.1.1.1", "1.2.3", "localhost", "proxy.example", "abc", "", "1.2.3.4.5", "unknown", "1:2:3"})
    void anything_else_is_not_an_address(String text) {
        assertNull(ClientAddress.normal(text));
    }
}
