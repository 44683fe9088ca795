package org.headend.control.auth.saml;

import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.util.List;
import org.w3c.dom.Document;

/**
 * The encrypted-assertion reader of {@code trustpoint sp} under arbitrary input: a Response whose encrypted assertion
 * is decrypted with our key ends in a {@link SamlException} with a reason or a decrypted document, never another
 * exception and never a hang. (One fuzz test per class: Jazzer fuzzes only one at a time.)
 */
class EncryptedAssertionsFuzzTest
{
    private static final TestIdp IDP = create("fuzz-idp");
    private static final TestIdp SP = create("fuzz-sp");
    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");

    @FuzzTest
    void encryptedAssertionsAreDecryptedOrRefusedWithAReason(final FuzzedDataProvider data)
    {
        try
        {
            final Document document = SamlXml.parse(data.consumeRemainingAsBytes());
            if (EncryptedAssertions.present(document))
            {
                EncryptedAssertions.decryptInPlace(document, SP.keys.getPrivate(), signature ->
                    SamlResponseValidator.verifyResponseSignature(document, signature, List.of(IDP.certificate),
                        NOW));
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
