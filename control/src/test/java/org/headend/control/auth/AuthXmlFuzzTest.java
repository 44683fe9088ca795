package org.headend.control.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import javax.xml.stream.XMLStreamException;

/**
 * The aggregate-auth XML reader under arbitrary bodies: it answers a message within the documented limits or its
 * own {@link AuthXmlException} (never a bare runtime exception from a bug of ours), and whatever text a client puts
 * in a field, escaped by {@link AuthXml#escape}, comes back as that text.
 */
class AuthXmlFuzzTest
{
    private static final int MAX_TEXT = 4096;
    private static final int MAX_AUTH_FIELDS = 32;

    @FuzzTest
    void bodiesParseWithinLimitsOrFailClearlyAndFieldsRoundTrip(final FuzzedDataProvider data)
    {
        final String field = data.consumeString(MAX_TEXT);
        final byte[] body = data.consumeRemainingAsBytes();
        try
        {
            final AuthMessage message = AuthXml.parse(body);
            assertNotNull(message.type());
            assertTrue(message.authFields().size() <= MAX_AUTH_FIELDS, "too many auth fields");
            message.authFields().forEach((name, value) ->
                assertTrue(value.length() <= MAX_TEXT && !value.isEmpty(), () -> "auth field " + name));
        }
        catch (final AuthXmlException ex)
        {
            assertClear(ex);
        }

        final String expected = AuthXml.escape(field).strip();
        final String document = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<config-auth client=\"vpn\" type=\"auth-reply\">"
            + "<auth><password>" + AuthXml.escape(field) + "</password></auth></config-auth>";
        try
        {
            final AuthMessage reply = AuthXml.parse(document.getBytes(StandardCharsets.UTF_8));
            final String kept = textOf(field);
            assertEquals(kept.isEmpty() ? null : kept, reply.field("password"), () -> "escaped " + expected);
        }
        catch (final AuthXmlException ex)
        {
            // only text the XML format itself cannot carry may be refused, and with our own reason
            assertClear(ex);
            assertFalse(textOf(field).chars().allMatch(AuthXmlFuzzTest::isXmlChar),
                () -> "refused a field of plain XML characters: " + ex.getMessage());
        }
    }

    /** What escape keeps of {@code text}, stripped as the reader strips element text. */
    private static String textOf(final String text)
    {
        final StringBuilder kept = new StringBuilder();
        text.chars().filter(c -> c >= 0x20 || c == '\n' || c == '\t').forEach(c -> kept.append((char)c));
        return kept.toString().replace("\r", "").strip();
    }

    private static boolean isXmlChar(final int c)
    {
        return c == '\t' || c == '\n' || c >= 0x20 && c < 0xD800 || c >= 0xE000 && c < 0xFFFE;
    }

    private static void assertClear(final AuthXmlException ex)
    {
        assertNotNull(ex.getMessage());
        final Throwable cause = ex.getCause();
        assertTrue(cause == null || cause instanceof XMLStreamException
            || cause instanceof java.nio.charset.CharacterCodingException,
            () -> "a bug, not a refusal: " + cause);
    }
}
