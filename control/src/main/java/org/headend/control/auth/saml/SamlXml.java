package org.headend.control.auth.saml;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads the XML of SAML messages that reach the service provider from browsers, i.e. from anyone: a size limit
 * before parsing, no DTD at all (so no entities, internal or external, and no XXE), no XInclude, no fetching of
 * anything, and after parsing a walk that bounds depth and element count and refuses comments and processing
 * instructions — a comment inside a {@code NameID} is how signed text is made to read differently (the signature's
 * canonical form drops comments), so none is accepted anywhere.
 */
public final class SamlXml
{
    /** Largest decoded SAML message read; real responses with a certificate are 5–15 KiB. */
    public static final int MAX_BYTES = 128 * 1024;
    static final int MAX_DEPTH = 32;
    static final int MAX_ELEMENTS = 2_000;

    private static final DocumentBuilderFactory FACTORY = newFactory();
    private static final ErrorHandler STRICT = new ErrorHandler()
    {
        @Override
        public void warning(final SAXParseException exception)
        {
            // warnings do not make a document unusable
        }

        @Override
        public void error(final SAXParseException exception) throws SAXException
        {
            throw exception;
        }

        @Override
        public void fatalError(final SAXParseException exception) throws SAXException
        {
            throw exception;
        }
    };

    private SamlXml()
    {
    }

    /**
     * Parses one message.
     *
     * @throws SamlException when it is too large, not well-formed, has a DOCTYPE, or breaks a structural limit
     */
    public static Document parse(final byte[] xml) throws SamlException
    {
        if (xml.length > MAX_BYTES)
        {
            throw new SamlException("message larger than " + MAX_BYTES + " bytes");
        }
        final Document document;
        try
        {
            final DocumentBuilder builder;
            synchronized (FACTORY)
            {
                builder = FACTORY.newDocumentBuilder();
            }
            builder.setErrorHandler(STRICT);
            builder.setEntityResolver((publicId, systemId) ->
            {
                throw new SAXException("external resources are never resolved");
            });
            document = builder.parse(new ByteArrayInputStream(xml));
        }
        catch (final SAXException | IOException | ParserConfigurationException | RuntimeException ex)
        {
            throw new SamlException("not a well-formed XML document without DTD: " + firstLine(ex.getMessage()), ex);
        }
        if (document.getDoctype() != null)
        {
            throw new SamlException("a DOCTYPE is not accepted");
        }
        checkStructure(document.getDocumentElement());
        return document;
    }

    /** Iterative walk (no recursion an attacker could deepen): depth, element count, no comments or PIs. */
    private static void checkStructure(final Node root) throws SamlException
    {
        int elements = 0;
        int depth = 0;
        Node node = root;
        while (node != null)
        {
            switch (node.getNodeType())
            {
                case Node.ELEMENT_NODE ->
                {
                    if (++elements > MAX_ELEMENTS)
                    {
                        throw new SamlException("more than " + MAX_ELEMENTS + " elements");
                    }
                    if (depth >= MAX_DEPTH)
                    {
                        throw new SamlException("nested deeper than " + MAX_DEPTH);
                    }
                }
                case Node.COMMENT_NODE -> throw new SamlException("comments are not accepted in SAML messages");
                case Node.PROCESSING_INSTRUCTION_NODE ->
                    throw new SamlException("processing instructions are not accepted in SAML messages");
                case Node.ENTITY_REFERENCE_NODE -> throw new SamlException("entity references are not accepted");
                default ->
                {
                }
            }
            if (node.getFirstChild() != null)
            {
                node = node.getFirstChild();
                depth++;
                continue;
            }
            while (node != null && node != root && node.getNextSibling() == null)
            {
                node = node.getParentNode();
                depth--;
            }
            node = node == null || node == root ? null : node.getNextSibling();
        }
    }

    private static String firstLine(final String text)
    {
        if (text == null)
        {
            return "";
        }
        final int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    private static DocumentBuilderFactory newFactory()
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newDefaultInstance();
        factory.setNamespaceAware(true);
        factory.setIgnoringComments(false);
        factory.setExpandEntityReferences(false);
        factory.setXIncludeAware(false);
        factory.setValidating(false);
        try
        {
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
            factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        }
        catch (final ParserConfigurationException ex)
        {
            throw new IllegalStateException("the JDK's XML parser lacks a security feature", ex);
        }
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setAttribute("jdk.xml.maxElementDepth", MAX_DEPTH + 1);
        return factory;
    }
}
