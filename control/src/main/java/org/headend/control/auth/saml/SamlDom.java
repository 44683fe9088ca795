package org.headend.control.auth.saml;

import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Strict reads of a parsed SAML document: a child that must be there once, a child that may be there once, the text
 * of an element that holds nothing but text. Anything repeated or nested where one plain value belongs is refused,
 * because a second copy or a hidden child is how signature-wrapping attacks make two readers see two documents.
 */
final class SamlDom
{
    private SamlDom()
    {
    }

    /** The element's only child named so; refused when it is missing or repeated. */
    static Element child(final Element parent, final String namespace, final String name) throws SamlException
    {
        final Element found = optionalChild(parent, namespace, name);
        if (found == null)
        {
            throw new SamlException(parent.getLocalName() + " has no " + name);
        }
        return found;
    }

    /** The element's only child named so, or null; refused when there are two. */
    static Element optionalChild(final Element parent, final String namespace, final String name)
        throws SamlException
    {
        Element found = null;
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node instanceof Element element && is(element, namespace, name))
            {
                if (found != null)
                {
                    throw new SamlException(parent.getLocalName() + " has two " + name);
                }
                found = element;
            }
        }
        return found;
    }

    /** Text of an element that holds only text (no child elements: nothing can hide inside it), stripped. */
    static String text(final Element element) throws SamlException
    {
        final StringBuilder text = new StringBuilder();
        for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling())
        {
            if (node.getNodeType() != Node.TEXT_NODE && node.getNodeType() != Node.CDATA_SECTION_NODE)
            {
                throw new SamlException(element.getLocalName() + " holds more than text");
            }
            text.append(node.getNodeValue());
        }
        return text.toString().strip();
    }

    static boolean is(final Element element, final String namespace, final String name)
    {
        return namespace.equals(element.getNamespaceURI()) && name.equals(element.getLocalName());
    }
}
