package org.headend.control.portal;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * Checks a client profile before it is offered: well-formed XML of at most {@link #MAX_BYTES}, no entity
 * declarations, nothing external ever fetched (the same hardening as the auth parser). The bytes are served as they
 * are; the headend never interprets them beyond this check.
 */
public final class ProfileXml
{
    public static final int MAX_BYTES = 1024 * 1024;
    private static final XMLInputFactory FACTORY = newFactory();

    private ProfileXml()
    {
    }

    /** Null when the profile is acceptable, else why not. */
    public static String problem(final byte[] bytes)
    {
        if (bytes.length == 0 || bytes.length > MAX_BYTES)
        {
            return "a profile must hold 1 to " + MAX_BYTES + " bytes";
        }
        final String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.toUpperCase(Locale.ROOT).contains("<!ENTITY"))
        {
            return "entity declarations are not accepted in a profile";
        }
        try
        {
            final XMLStreamReader xml = FACTORY.createXMLStreamReader(new ByteArrayInputStream(bytes));
            try
            {
                boolean root = false;
                while (xml.hasNext())
                {
                    final int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT)
                    {
                        root = true;
                    }
                    if (event == XMLStreamConstants.ENTITY_REFERENCE)
                    {
                        return "entity references are not accepted in a profile";
                    }
                }
                return root ? null : "the profile has no root element";
            }
            finally
            {
                xml.close();
            }
        }
        catch (final XMLStreamException | RuntimeException ex)
        {
            return "the profile is not well-formed XML: " + ex.getMessage().lines().findFirst().orElse("");
        }
    }

    private static XMLInputFactory newFactory()
    {
        final XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        factory.setXMLResolver((publicId, systemId, baseUri, namespace) ->
        {
            throw new XMLStreamException("external resources are never resolved");
        });
        return factory;
    }
}
