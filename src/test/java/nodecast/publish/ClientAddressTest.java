package nodecast.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ClientAddressTest {

    @ParameterizedTest
    @CsvSource({"10.0.0.1,10.0.0.1", "255.255.255.255,255.255.255.255", "0.0.0.0,0.0.0.0", "::1,0:0:0:0:0:0:0:1",
        "2001:db8::7,2001:db8:0:0:0:0:0:7", "2001:DB8::7,2001:db8:0:0:0:0:0:7", "::,0:0:0:0:0:0:0:0", "1::,1:0:0:0:0:0:0:0",
        "1:2:3:4:5:6:7:8,1:2:3:4:5:6:7:8", "0001:0db8::00ff,1:db8:0:0:0:0:0:ff", "1:2:3:4:5:6:7::,1:2:3:4:5:6:7:0",
        "::2:3:4:5:6:7:8,0:2:3:4:5:6:7:8", "::ffff:1.2.3.4,1.2.3.4", "::1.2.3.4,0:0:0:0:0:0:102:304",
        "1:2:3:4:5:6:1.2.3.4,1:2:3:4:5:6:102:304", "64:ff9b::192.0.2.33,64:ff9b:0:0:0:0:c000:221"})
    void ip_literals_are_read_in_one_canonical_form(String text, String normal) {
        assertEquals(normal, ClientAddress.normal(text));
    }

    /** Each of these would be looked up as a host name if it reached InetAddress.getByName: a DNS wait on an IO thread. */
    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.256", "1.2.3.256", "999.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", "1..3.4", "1.2.3.4.",
        "localhost", "proxy.example", "example.com", "abc", "", " ", "unknown", "\uFF11.2.3.4",
        ".:", ":", ":::", "1:2:3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1::2::3", "::1:", ":1::", "1:::2",
        "12345::", "::g", "fe80::1%eth0", "fe80::1%1", "[::1]", "[::1]:80", "1.2.3.4:80", "::ffff:1.2.3", "::ffff:1.2.3.256",
        "1.2.3.4::", "1.2.3.4:1::", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3.4:5", "::\uFF10", "example.com:80", "a.b:c"})
    void anything_else_is_not_an_address(String text) {
        assertNull(ClientAddress.normal(text));
    }
}
