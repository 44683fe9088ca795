package org.headend.perf.loadgen;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * A server's {@code config-auth} document as openconnect reads it (docs/protocol/auth-and-portal.md §2.1–§2.7): the
 * {@code <auth id>} that decides between "fill in this form" and success, the form's inputs and selects, the
 * {@code <opaque>} to echo back unchanged, and from {@code complete} the session token, session id and server
 * certificate hash. External entities and DTDs are never loaded.
 */
record AuthDocument(String type, String authId, String action, List<Input> inputs, List<Select> selects,
    String error, String opaque, String sessionToken, String sessionId, String serverCertHash)
{
    static final int MAX_BODY = 256 * 1024;

    /** An {@code <input>}: type text, password, hidden (echoed with its value) or another (skipped). */
    record Input(String type, String name, String value)
    {
    }

    /** A {@code <select>}; {@code group_list} is the tunnel-group chooser. */
    record Select(String name, List<Option> options)
    {
        /** The option that matches a wanted group by value or label, or null. */
        Option find(final String wanted)
        {
            for (final Option o : options)
            {
                if (o.value().equals(wanted) || o.label().equals(wanted))
                {
                    return o;
                }
            }
            return null;
        }

        /** The option marked selected, else the first (what openconnect's non-interactive mode takes). */
        Option current()
        {
            for (final Option o : options)
            {
                if (o.selected())
                {
                    return o;
                }
            }
            return options.isEmpty() ? null : options.get(0);
        }
    }

    record Option(String value, String label, boolean selected)
    {
    }

    private static final Pattern OPAQUE = Pattern.compile("<opaque\\b.*?</opaque>", Pattern.DOTALL);

    boolean isSuccess()
    {
        return "success".equals(authId);
    }

    boolean isChallenge()
    {
        return "challenge".equals(authId);
    }

    Select groupList()
    {
        for (final Select s : selects)
        {
            if ("group_list".equals(s.name()))
            {
                return s;
            }
        }
        return null;
    }

    /**
     * @throws Violation {@code auth_bad_xml} when it does not parse, is not {@code config-auth}, or has no
     *                   {@code <auth id>} ("XML response has no auth node")
     */
    static AuthDocument parse(final String xml) throws Violation
    {
        if (xml.length() > MAX_BODY)
        {
            throw new Violation("auth_bad_xml", "document longer than " + MAX_BODY);
        }
        final Document doc;
        try
        {
            doc = builder().parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        catch (final Exception ex)
        {
            throw new Violation("auth_bad_xml", ex.getMessage());
        }
        final Element root = doc.getDocumentElement();
        if (!"config-auth".equals(root.getTagName()))
        {
            throw new Violation("auth_bad_xml", "root element " + root.getTagName());
        }
        final Element auth = first(root, "auth");
        if (auth == null || auth.getAttribute("id").isEmpty())
        {
            throw new Violation("auth_bad_xml", "no auth node");
        }
        final List<Input> inputs = new ArrayList<>();
        final List<Select> selects = new ArrayList<>();
        String action = null;
        final Element form = first(auth, "form");
        if (form != null)
        {
            action = form.getAttribute("action").isEmpty() ? null : form.getAttribute("action");
            for (Node n = form.getFirstChild(); n != null; n = n.getNextSibling())
            {
                if (n instanceof Element e && "input".equals(e.getTagName()) && !e.getAttribute("name").isEmpty())
                {
                    inputs.add(new Input(e.getAttribute("type"), e.getAttribute("name"), e.getAttribute("value")));
                }
                else if (n instanceof Element e && "select".equals(e.getTagName()) && !e.getAttribute("name").isEmpty())
                {
                    final List<Option> options = new ArrayList<>();
                    final NodeList os = e.getElementsByTagName("option");
                    for (int i = 0; i < os.getLength(); i++)
                    {
                        final Element o = (Element)os.item(i);
                        final String label = o.getTextContent().strip();
                        final String value = o.hasAttribute("value") ? o.getAttribute("value") : label;
                        options.add(new Option(value, label, "true".equals(o.getAttribute("selected"))));
                    }
                    if (!options.isEmpty())
                    {
                        selects.add(new Select(e.getAttribute("name"), List.copyOf(options)));
                    }
                }
            }
        }
        final Element error = first(auth, "error");
        final Matcher opaque = OPAQUE.matcher(xml);
        return new AuthDocument(root.getAttribute("type"), auth.getAttribute("id"), action, List.copyOf(inputs),
            List.copyOf(selects), error == null ? null : error.getTextContent().strip(),
            opaque.find() ? opaque.group() : null, text(root, "session-token"), text(root, "session-id"),
            text(root, "server-cert-hash"));
    }

    private static DocumentBuilder builder() throws ParserConfigurationException
    {
        final DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        f.setFeature("http://xml.org/sax/features/external-general-entities", false);
        f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setExpandEntityReferences(false);
        f.setXIncludeAware(false);
        f.setNamespaceAware(false);
        final DocumentBuilder b = f.newDocumentBuilder();
        b.setErrorHandler(null);
        return b;
    }

    private static Element first(final Element parent, final String name)
    {
        final NodeList list = parent.getElementsByTagName(name);
        return list.getLength() == 0 ? null : (Element)list.item(0);
    }

    private static String text(final Element root, final String name)
    {
        final Element e = first(root, name);
        if (e == null)
        {
            return null;
        }
        final String t = e.getTextContent().strip();
        return t.isEmpty() ? null : t;
    }
}
