package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AuthXmlTest
{
    private static final String REPLY = """
        <?xml version="1.0" encoding="UTF-8"?>
        <config-auth client="vpn" type="auth-reply" aggregate-auth-version="2"><version who="vpn">v9.01-3</version>\
        <device-id>linux-64</device-id><opaque is-for="sg"><tunnel-group>DefaultWEBVPNGroup</tunnel-group>\
        <aggauth-handle>12345</aggauth-handle></opaque><auth><username>demo</username>\
        <password>p&amp;ss&lt;word</password><secondary_password></secondary_password></auth>\
        <group-select>Staff</group-select></config-auth>""";

    @Test
    void shouldReadTheFieldsOpenconnectSends() throws Exception
    {
        final AuthMessage message = AuthXml.parse(bytes(REPLY));
        assertEquals("auth-reply", message.type());
        assertEquals("v9.01-3", message.clientVersion());
        assertEquals("linux-64", message.deviceId());
        assertEquals("12345", message.handle());
        assertEquals("Staff", message.groupSelect());
        assertEquals("demo", message.field("username"));
        assertEquals("p&ss<word", message.field("password"));
        assertNull(message.field("secondary_password"), "empty elements count as absent");
    }

    @Test
    void shouldTolerateADoctypeNamingAnExternalDtdWithoutFetchingIt() throws Exception
    {
        final String xml = "<?xml version=\"1.0\"?><!DOCTYPE config-auth SYSTEM \"http://127.0.0.1:1/config-auth.dtd\">"
            + "<config-auth type=\"init\"><version who=\"vpn\">v9</version></config-auth>";
        assertEquals("init", AuthXml.parse(bytes(xml)).type());
    }

    @Test
    void shouldRefuseAnExternalEntity()
    {
        final String xml = "<?xml version=\"1.0\"?><!DOCTYPE config-auth [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
            + "<config-auth type=\"auth-reply\"><auth><username>&xxe;</username></auth></config-auth>";
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes(xml)));
    }

    @Test
    void shouldRefuseEntityExpansionBeforeExpanding()
    {
        final StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?><!DOCTYPE config-auth [<!ENTITY a \"aaaaaaaaaa\">");
        for (int i = 1; i < 10; i++)
        {
            xml.append("<!ENTITY a").append(i).append(" \"&a").append(i == 1 ? "" : String.valueOf(i - 1))
                .append(";&a").append(i == 1 ? "" : String.valueOf(i - 1)).append(";\">");
        }
        xml.append("]><config-auth type=\"init\"><version>&a9;</version></config-auth>");
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes(xml.toString())));
    }

    @Test
    void shouldRefuseAnUndeclaredEntityReference()
    {
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<config-auth type=\"init\"><version>&nope;</version></config-auth>")));
    }

    @Test
    void shouldRefuseDeepNestingManyElementsLongTextAndHugeBodies()
    {
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<config-auth type=\"init\">" + "<a>".repeat(100) + "</a>".repeat(100)
                + "</config-auth>")));
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<config-auth type=\"init\">" + "<a/>".repeat(1000) + "</config-auth>")));
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<config-auth type=\"init\"><version>" + "x".repeat(5000)
                + "</version></config-auth>")));
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(new byte[AuthXml.MAX_BODY_BYTES + 1]));
    }

    @Test
    void shouldRefuseInvalidUtf8TruncatedDocumentsAndOtherRoots()
    {
        final byte[] bad = bytes("<config-auth type=\"init\"><version>x</version></config-auth>");
        bad[30] = (byte)0xC3;
        bad[31] = (byte)0x28;
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bad));
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes("<config-auth type=\"init\"><version>")));
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes("<auth id=\"main\"></auth>")));
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes("<config-auth></config-auth>")));
    }

    @Test
    void shouldRefuseOtherEncodingsAndHugeAttributes() throws Exception
    {
        final String init = "<config-auth client=\"vpn\" type=\"init\"></config-auth>";
        final byte[] utf16 = ("\ufeff<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + init)
            .getBytes(StandardCharsets.UTF_16LE);
        assertTrue(AuthXml.looksLikeXml(utf16), "a UTF-16 document goes to the parser, to be refused there");
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(utf16));
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?>" + init)));
        assertThrows(AuthXmlException.class,
            () -> AuthXml.parse(bytes("<?xml version='1.0' encoding='UTF-7'?>" + init)));
        assertEquals("init", AuthXml.parse(bytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + init)).type());
        assertThrows(AuthXmlException.class, () -> AuthXml.parse(bytes(
            "<config-auth client=\"vpn\" type=\"init\" x=\"" + "a".repeat(200_000) + "\"></config-auth>")));
    }

    @Test
    void shouldTellXmlFromUrlencodedByContentNotLabel()
    {
        assertTrue(AuthXml.looksLikeXml(bytes("  <?xml version=\"1.0\"?><config-auth/>")));
        assertTrue(AuthXml.looksLikeXml(bytes("<config-auth type=\"init\"/>")));
        assertFalse(AuthXml.looksLikeXml(bytes("username=a&password=b")));
    }

    @Test
    void shouldEscapeMarkupAndDropControlCharacters()
    {
        assertEquals("&lt;a href=&quot;x&quot;&gt;&amp;&apos;", AuthXml.escape("<a href=\"x\">&'"));
        assertEquals("ab", AuthXml.escape("a\u0000\u001bb"));
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
