package org.headend.perf.loadgen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.headend.control.auth.AuthDocuments;
import org.junit.jupiter.api.Test;

/** Server documents as the generator reads them: the headend's own, and ocserv's shapes from the reference trace. */
class AuthDocumentTest
{
    @Test
    void shouldReadTheHeadendsFormWithItsGroupListAndOpaque() throws Exception
    {
        final String xml = AuthDocuments.loginForm("TG-STAFF", "Staff", List.of("Staff", "Contractors"), "42", 7L,
            "Authorised use only.", null);
        final AuthDocument d = AuthDocument.parse(xml);
        assertEquals("main", d.authId());
        assertFalse(d.isSuccess());
        assertEquals(List.of("username", "password"), d.inputs().stream().map(AuthDocument.Input::name).toList());
        assertEquals("Staff", d.groupList().current().value());
        assertEquals("Contractors", d.groupList().find("Contractors").value());
        assertTrue(d.opaque().startsWith("<opaque is-for=\"sg\">") && d.opaque().endsWith("</opaque>"), d.opaque());
        assertTrue(xml.contains(d.opaque()), "the opaque is echoed exactly as it came");
    }

    @Test
    void shouldTakeTheTokenSessionIdAndCertificateHashFromComplete() throws Exception
    {
        final AuthDocument d = AuthDocument.parse(AuthDocuments.complete(24576, "0521AF@24576@BBED@C12B",
            "3FC2DBEB35185E668F83361AF7151BF825D7EE2D", "Welcome"));
        assertTrue(d.isSuccess());
        assertEquals("0521AF@24576@BBED@C12B", d.sessionToken());
        assertEquals("24576", d.sessionId());
        assertEquals("3FC2DBEB35185E668F83361AF7151BF825D7EE2D", d.serverCertHash());
    }

    @Test
    void shouldFollowOcservsFormActionAndSeeAChallenge() throws Exception
    {
        final AuthDocument d = AuthDocument.parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <config-auth client="vpn" type="auth-request">
            <version who="sg">0.1(1)</version>
            <auth id="challenge">
            <message>Please enter your password.</message>
            <form method="post" action="/auth">
            <input type="password" name="password" label="Password:" />
            </form></auth>
            </config-auth>
            """.strip());
        assertEquals("/auth", d.action());
        assertTrue(d.isChallenge());
        assertEquals("password", d.inputs().get(0).type());
    }

    @Test
    void shouldRefuseADocumentWithoutAnAuthNodeOrWithAnExternalEntity()
    {
        assertEquals("auth_bad_xml", assertThrows(Violation.class, () -> AuthDocument.parse(
            "<config-auth client=\"vpn\" type=\"complete\"></config-auth>")).reason());
        final String xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE config-auth [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <config-auth client="vpn" type="auth-request"><auth id="main"><error>&x;</error>
            <form><input type="text" name="username"/></form></auth></config-auth>
            """.strip();
        try
        {
            final AuthDocument d = AuthDocument.parse(xxe);
            assertFalse(String.valueOf(d.error()).contains("root:"), "external entity was resolved");
        }
        catch (final Violation v)
        {
            assertEquals("auth_bad_xml", v.reason());
        }
    }
}
