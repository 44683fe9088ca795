package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The single-logout reader under arbitrary input: a logout query signed with the IdP's key (so that the fuzzer
 * reaches the inflater and the XML reader behind the signature check), or the raw query, which must never pass
 * unsigned. Every input ends in a {@link SamlException} with a reason or a well-formed message, never another
 * exception and never a hang. (One fuzz test per class: Jazzer fuzzes only one at a time.)
 */
class SamlLogoutFuzzTest
{
    private static final TestIdp IDP = create("fuzz-idp");
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final String SLO = "https://vpn.test/+CSCOE+/saml/sp/logout?tgname=SSO";

    @FuzzTest
    void logoutMessagesAreReadOnlyBehindTheIdpsSignature(final FuzzedDataProvider data) throws Exception
    {
        final boolean signed = data.consumeBoolean();
        final byte[] body = data.consumeRemainingAsBytes();
        final String query = signed ? AuthnRequests.signed((body.length % 2 == 0 ? "SAMLRequest=" : "SAMLResponse=")
            + AuthnRequests.encode(Base64.getEncoder().encodeToString(AuthnRequests.deflate(
                new String(body, java.nio.charset.StandardCharsets.ISO_8859_1)))), IDP.keys.getPrivate())
            : new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        try
        {
            final LogoutMessages.Incoming message = LogoutMessages.read(query, List.of(IDP.certificate),
                TestIdp.ENTITY, SLO, NOW, Duration.ofSeconds(60));
            assertNotNull(message.id());
            if (!signed)
            {
                throw new AssertionError("an unsigned logout message was read: " + query);
            }
        }
        catch (final SamlException ex)
        {
            assertFalse(ex.getMessage() == null || ex.getMessage().isEmpty());
        }
    }

    private static TestIdp create(final String name)
    {
        try
        {
            return TestIdp.create(name);
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
