package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.w3c.dom.Document;

/**
 * The SAML response reader and checker under arbitrary bodies: every input ends in a {@link SamlException} with a
 * reason (never another exception from a bug of ours, never a hang), and nothing unsigned is ever accepted — the
 * fuzzer has no IdP key, so an accepted response would be a hole.
 */
class SamlResponseFuzzTest
{
    private static final X509Certificate CERTIFICATE = certificate();
    private static final SamlResponseValidator.Expectation EXPECTED = new SamlResponseValidator.Expectation(
        TestIdp.ENTITY, List.of(CERTIFICATE), "https://vpn.test/saml/sp/metadata/SSO",
        "https://vpn.test/+CSCOE+/saml/sp/acs?tgname=SSO", Duration.ofHours(1), Duration.ofSeconds(60));

    @FuzzTest
    void responsesAreRefusedWithAReasonUnlessSignedByTheIdp(final FuzzedDataProvider data)
    {
        final byte[] body = data.consumeRemainingAsBytes();
        try
        {
            final Document document = SamlXml.parse(body);
            SamlResponseValidator.claimedRequest(document);
            SamlResponseValidator.validate(document, EXPECTED, Instant.parse("2026-12-07T10:00:00Z"));
            throw new AssertionError("a response nobody signed with the IdP's key was accepted");
        }
        catch (final SamlException ex)
        {
            assertNotNull(ex.getMessage());
            assertTrue(!ex.getMessage().isEmpty());
        }
    }

    private static X509Certificate certificate()
    {
        try
        {
            return TestIdp.create("fuzz-idp").certificate;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
