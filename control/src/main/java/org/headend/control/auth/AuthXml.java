package org.headend.control.auth;

import java.io.ByteArrayInputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Reads the clients' aggregate-auth documents (docs/protocol/auth-and-portal.md §2) with a streaming parser and hard
 * limits. DTDs are never processed: a {@code DOCTYPE} naming an external DTD is tolerated (some clients and the
 * draft send one) but never fetched, and any entity declaration is refused before parsing, so neither XXE nor
 * entity expansion can happen (CVE-2018-9849 class).
 */
public final class AuthXml
{
    /** Largest body read at all (ocserv uses the same bound). */
    public static final int MAX_BODY_BYTES = 256 * 1024;
    private static final int MAX_DEPTH = 16;
    private static final int MAX_ELEMENTS = 512;
    private static final int MAX_TEXT = 4096;
    private static final int MAX_AUTH_FIELDS = 32;
    private static final int MAX_ATTRIBUTES = 16;
    private static final Pattern DECLARED_ENCODING =
        Pattern.compile("^\\s*<\\?xml[^>]*?\\bencoding\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final Set<String> ACCEPTED_ENCODINGS = Set.of("UTF-8", "UTF8", "US-ASCII", "ASCII");

    private static final XMLInputFactory FACTORY = newFactory();

    private AuthXml()
    {
    }

    /** Whether a request body is an XML document rather than a urlencoded form (clients mislabel both). */
    public static boolean looksLikeXml(final byte[] body)
    {
        if (hasUtf16Or32Bom(body))
        {
            // an XML document in an encoding we refuse: it goes to the parser, which says so (bad-inputs #18)
            return true;
        }
        final String head = new String(body, 0, Math.min(body.length, 512), StandardCharsets.ISO_8859_1).stripLeading();
        return head.startsWith("<?xml") || head.contains("<config-auth");
    }

    /**
     * Parses a {@code <config-auth>} document.
     *
     * @throws AuthXmlException when the body is too big, not UTF-8, not well-formed, declares entities, exceeds a
     *                          limit, or has another root
     */
    public static AuthMessage parse(final byte[] body) throws AuthXmlException
    {
        if (body.length > MAX_BODY_BYTES)
        {
            throw new AuthXmlException("body larger than " + MAX_BODY_BYTES + " bytes");
        }
        if (hasUtf16Or32Bom(body))
        {
            throw new AuthXmlException("body is UTF-16 or UTF-32, not UTF-8");
        }
        final String text = strictUtf8(body);
        if (text.toUpperCase(Locale.ROOT).contains("<!ENTITY"))
        {
            throw new AuthXmlException("entity declarations are not accepted");
        }
        final Matcher declared = DECLARED_ENCODING.matcher(text.substring(0, Math.min(text.length(), 256)));
        if (declared.find() && !ACCEPTED_ENCODINGS.contains(declared.group(1).toUpperCase(Locale.ROOT)))
        {
            throw new AuthXmlException("declared encoding " + declared.group(1) + " is not accepted (UTF-8 only)");
        }
        try
        {
            return read(FACTORY.createXMLStreamReader(new ByteArrayInputStream(body), "UTF-8"));
        }
        catch (final XMLStreamException | RuntimeException ex)
        {
            throw new AuthXmlException("not a well-formed config-auth document", ex);
        }
    }

    private static AuthMessage read(final XMLStreamReader xml) throws XMLStreamException, AuthXmlException
    {
        final Deque<String> path = new ArrayDeque<>();
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, String> auth = new LinkedHashMap<>();
        final StringBuilder textBuffer = new StringBuilder();
        String type = null;
        int elements = 0;
        try
        {
            while (xml.hasNext())
            {
                switch (xml.next())
                {
                    case XMLStreamConstants.START_ELEMENT ->
                    {
                        if (++elements > MAX_ELEMENTS)
                        {
                            throw new AuthXmlException("more than " + MAX_ELEMENTS + " elements");
                        }
                        if (path.size() >= MAX_DEPTH)
                        {
                            throw new AuthXmlException("nested deeper than " + MAX_DEPTH);
                        }
                        final String name = xml.getLocalName();
                        if (path.isEmpty())
                        {
                            if (!"config-auth".equals(name))
                            {
                                throw new AuthXmlException("root element is not config-auth");
                            }
                            type = xml.getAttributeValue(null, "type");
                        }
                        if (xml.getAttributeCount() > MAX_ATTRIBUTES)
                        {
                            throw new AuthXmlException("more than " + MAX_ATTRIBUTES + " attributes on " + name);
                        }
                        for (int i = 0; i < xml.getAttributeCount(); i++)
                        {
                            if (xml.getAttributeValue(i).length() > MAX_TEXT)
                            {
                                throw new AuthXmlException("attribute value longer than " + MAX_TEXT);
                            }
                        }
                        path.addLast(name);
                        textBuffer.setLength(0);
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA ->
                    {
                        if (textBuffer.length() + xml.getTextLength() > MAX_TEXT)
                        {
                            throw new AuthXmlException("element text longer than " + MAX_TEXT);
                        }
                        textBuffer.append(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
                    }
                    case XMLStreamConstants.END_ELEMENT ->
                    {
                        final String key = String.join("/", path);
                        final String value = textBuffer.toString().strip();
                        if (path.size() == 3 && key.startsWith("config-auth/auth/"))
                        {
                            if (auth.size() >= MAX_AUTH_FIELDS)
                            {
                                throw new AuthXmlException("more than " + MAX_AUTH_FIELDS + " auth fields");
                            }
                            if (!value.isEmpty())
                            {
                                auth.put(path.getLast(), value);
                            }
                        }
                        else if (!value.isEmpty())
                        {
                            values.putIfAbsent(key, value);
                        }
                        path.removeLast();
                        textBuffer.setLength(0);
                    }
                    case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new AuthXmlException("entity references are not accepted");
                    default ->
                    {
                    }
                }
            }
        }
        finally
        {
            xml.close();
        }
        if (type == null)
        {
            throw new AuthXmlException("config-auth without a type");
        }
        return new AuthMessage(type, values.get("config-auth/version"), values.get("config-auth/device-id"),
            values.get("config-auth/group-select"), values.get("config-auth/group-access"),
            values.get("config-auth/opaque/aggauth-handle"), Map.copyOf(auth),
            values.get("config-auth/session-token"));
    }

    private static boolean hasUtf16Or32Bom(final byte[] body)
    {
        return body.length >= 2 && ((body[0] == (byte)0xFE && body[1] == (byte)0xFF)
            || (body[0] == (byte)0xFF && body[1] == (byte)0xFE)
            || (body.length >= 4 && body[0] == 0 && body[1] == 0 && body[2] == (byte)0xFE && body[3] == (byte)0xFF));
    }

    private static String strictUtf8(final byte[] body) throws AuthXmlException
    {
        try
        {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(java.nio.ByteBuffer.wrap(body)).toString();
        }
        catch (final CharacterCodingException ex)
        {
            throw new AuthXmlException("body is not valid UTF-8", ex);
        }
    }

    private static XMLInputFactory newFactory()
    {
        final XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) ->
        {
            throw new XMLStreamException("external resources are never resolved");
        });
        return factory;
    }

    /** Escapes text for an XML element or attribute value. */
    public static String escape(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default ->
                {
                    if (c >= 0x20 || c == '\n' || c == '\t')
                    {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
