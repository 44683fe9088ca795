package org.headend.control.auth.saml;

import static org.headend.control.auth.saml.SamlDom.child;
import static org.headend.control.auth.saml.SamlDom.optionalChild;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.crypto.dsig.XMLSignature;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Decrypts a Response's {@code EncryptedAssertion} (XML Encryption 1.1) with our {@code trustpoint sp} key and puts
 * the assertion in its place, so that {@link SamlResponseValidator} then checks it exactly as a plain one.
 * <ul>
 * <li>Shape: exactly one {@code EncryptedAssertion}, a child of the Response, with one {@code EncryptedData} whose
 * key is one {@code EncryptedKey} (in its {@code KeyInfo}, or beside it in the {@code EncryptedAssertion}).</li>
 * <li>The content key is transported with RSA-OAEP only ({@code xmlenc#rsa-oaep-mgf1p}, {@code xmlenc11#rsa-oaep},
 * SHA-1 or SHA-2 digests): RSA PKCS#1 v1.5 is refused, since its padding errors make a decryption oracle.</li>
 * <li>The content is AES-GCM ({@code xmlenc11#aes128/192/256-gcm}) or AES-CBC ({@code xmlenc#aes128/192/256-cbc},
 * which SimpleSAMLphp 1.x and many IdPs still send). CBC has no integrity of its own: the decrypted assertion must
 * carry its own signature, which the validator then requires, and every failure here gives one message.</li>
 * <li>A signature of the Response was made over the encrypted form: it is checked before decryption and then set
 * aside (it covers the ciphertext, not what we read).</li>
 * </ul>
 */
final class EncryptedAssertions
{
    static final String XENC = "http://www.w3.org/2001/04/xmlenc#";
    static final String XENC11 = "http://www.w3.org/2009/xmlenc11#";
    private static final String RSA_OAEP_MGF1P = XENC + "rsa-oaep-mgf1p";
    private static final String RSA_OAEP = XENC11 + "rsa-oaep";
    /** Content algorithm → {key bytes, 1 for GCM / 0 for CBC}. */
    private static final Map<String, int[]> CONTENT = Map.of(
        XENC + "aes128-cbc", new int[] {16, 0}, XENC + "aes192-cbc", new int[] {24, 0},
        XENC + "aes256-cbc", new int[] {32, 0}, XENC11 + "aes128-gcm", new int[] {16, 1},
        XENC11 + "aes192-gcm", new int[] {24, 1}, XENC11 + "aes256-gcm", new int[] {32, 1});
    private static final Map<String, String> DIGESTS = Map.of(
        "http://www.w3.org/2000/09/xmldsig#sha1", "SHA-1", "http://www.w3.org/2001/04/xmlenc#sha256", "SHA-256",
        "http://www.w3.org/2001/04/xmldsig-more#sha384", "SHA-384", "http://www.w3.org/2001/04/xmlenc#sha512",
        "SHA-512");
    private static final Map<String, String> MGFS = Map.of(
        XENC11 + "mgf1sha1", "SHA-1", XENC11 + "mgf1sha256", "SHA-256", XENC11 + "mgf1sha384", "SHA-384",
        XENC11 + "mgf1sha512", "SHA-512");
    private static final String UNDECRYPTABLE = "the encrypted assertion cannot be decrypted with the trustpoint "
        + "sp key";

    private EncryptedAssertions()
    {
    }

    /** Whether the Response holds an encrypted assertion anywhere. */
    static boolean present(final Document response)
    {
        return response.getElementsByTagNameNS(SamlResponseValidator.ASSERTION, "EncryptedAssertion").getLength() > 0;
    }

    /**
     * Replaces the encrypted assertion by the decrypted one.
     *
     * @param checkResponseSignature verifies the Response's own signature (the element given), made over the
     *                               encrypted form; called before decrypting when the Response carries one
     * @throws SamlException when the shape is wrong, the signature of the Response does not verify, or the
     *                       assertion cannot be decrypted
     */
    static void decryptInPlace(final Document response, final PrivateKey key,
        final SignatureCheck checkResponseSignature) throws SamlException
    {
        final Element root = response.getDocumentElement();
        final var all = response.getElementsByTagNameNS(SamlResponseValidator.ASSERTION, "EncryptedAssertion");
        if (all.getLength() != 1 || all.item(0).getParentNode() != root)
        {
            throw new SamlException("the response holds " + all.getLength() + " encrypted assertions, or one that "
                + "is not a child of the Response");
        }
        final Element encrypted = (Element)all.item(0);
        final Element responseSignature = optionalChild(root, XMLSignature.XMLNS, "Signature");
        if (responseSignature != null)
        {
            checkResponseSignature.verify(responseSignature);
            root.removeChild(responseSignature);
        }
        final Element data = child(encrypted, XENC, "EncryptedData");
        final Element keyInfo = optionalChild(data, XMLSignature.XMLNS, "KeyInfo");
        Element encryptedKey = keyInfo == null ? null : optionalChild(keyInfo, XENC, "EncryptedKey");
        if (encryptedKey == null)
        {
            encryptedKey = child(encrypted, XENC, "EncryptedKey");
        }
        final byte[] plain;
        try
        {
            final String contentAlgorithm = algorithm(data);
            final int[] content = CONTENT.get(contentAlgorithm);
            if (content == null)
            {
                throw new SamlException("content encryption " + contentAlgorithm + " is not accepted");
            }
            final byte[] contentKey = unwrap(encryptedKey, key);
            if (contentKey.length != content[0])
            {
                throw new SamlException(UNDECRYPTABLE);
            }
            plain = decrypt(cipherValue(data), contentKey, content[1] == 1);
        }
        catch (final GeneralSecurityException | RuntimeException ex)
        {
            // one answer for every failure: which step failed must not be learnt from us
            throw new SamlException(UNDECRYPTABLE);
        }
        final Document decrypted = SamlXml.parse(plain);
        final Element assertion = decrypted.getDocumentElement();
        if (!SamlResponseValidator.ASSERTION.equals(assertion.getNamespaceURI())
            || !"Assertion".equals(assertion.getLocalName()))
        {
            throw new SamlException("the encrypted assertion holds a " + assertion.getLocalName()
                + ", not an Assertion");
        }
        root.replaceChild(response.importNode(assertion, true), encrypted);
    }

    /** Verifies a signature found on the Response. */
    @FunctionalInterface
    interface SignatureCheck
    {
        void verify(Element signature) throws SamlException;
    }

    private static byte[] unwrap(final Element encryptedKey, final PrivateKey key)
        throws SamlException, GeneralSecurityException
    {
        final String transport = algorithm(encryptedKey);
        if (!RSA_OAEP_MGF1P.equals(transport) && !RSA_OAEP.equals(transport))
        {
            throw new SamlException("key transport " + transport + " is not accepted (RSA-OAEP only)");
        }
        final Element method = optionalChild(encryptedKey, XENC, "EncryptionMethod");
        if (optionalChild(method, XENC, "OAEPparams") != null)
        {
            throw new SamlException("OAEPparams are not accepted");
        }
        final Element digestMethod = optionalChild(method, XMLSignature.XMLNS, "DigestMethod");
        final String digest = digestMethod == null ? "SHA-1" : DIGESTS.get(digestMethod.getAttribute("Algorithm"));
        final Element mgfMethod = RSA_OAEP.equals(transport) ? optionalChild(method, XENC11, "MGF") : null;
        final String mgf = mgfMethod == null ? "SHA-1" : MGFS.get(mgfMethod.getAttribute("Algorithm"));
        if (digest == null || mgf == null)
        {
            throw new SamlException("the RSA-OAEP digest or mask function is not accepted");
        }
        final Cipher rsa = Cipher.getInstance("RSA/ECB/OAEPPadding");
        rsa.init(Cipher.DECRYPT_MODE, key, new OAEPParameterSpec(digest, "MGF1", new MGF1ParameterSpec(mgf),
            PSource.PSpecified.DEFAULT));
        return rsa.doFinal(cipherValue(encryptedKey));
    }

    private static byte[] decrypt(final byte[] value, final byte[] contentKey, final boolean gcm)
        throws GeneralSecurityException
    {
        final SecretKeySpec aes = new SecretKeySpec(contentKey, "AES");
        if (gcm)
        {
            if (value.length < 12 + 16)
            {
                throw new GeneralSecurityException("too short");
            }
            final Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, aes, new GCMParameterSpec(128, value, 0, 12));
            return cipher.doFinal(value, 12, value.length - 12);
        }
        if (value.length < 32 || value.length % 16 != 0)
        {
            throw new GeneralSecurityException("not whole blocks");
        }
        final Cipher cipher = Cipher.getInstance("AES/CBC/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, aes, new IvParameterSpec(value, 0, 16));
        final byte[] padded = cipher.doFinal(value, 16, value.length - 16);
        // XML Encryption's padding: the last byte counts the padding bytes, whose other values are arbitrary
        final int pad = padded[padded.length - 1] & 0xff;
        if (pad < 1 || pad > 16)
        {
            throw new GeneralSecurityException("bad padding");
        }
        return Arrays.copyOf(padded, padded.length - pad);
    }

    private static String algorithm(final Element encrypted) throws SamlException
    {
        final Element method = optionalChild(encrypted, XENC, "EncryptionMethod");
        if (method == null || !method.hasAttribute("Algorithm"))
        {
            throw new SamlException(encrypted.getLocalName() + " names no EncryptionMethod");
        }
        return method.getAttribute("Algorithm");
    }

    private static byte[] cipherValue(final Element encrypted) throws SamlException
    {
        final Element cipherData = child(encrypted, XENC, "CipherData");
        final Element value = child(cipherData, XENC, "CipherValue");
        return Base64.getMimeDecoder().decode(value.getTextContent().getBytes(StandardCharsets.US_ASCII));
    }
}
