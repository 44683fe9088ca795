package org.headend.control.ike.codec;

/**
 * IKEv2 protocol numbers from the IANA registries RFC 7296 §3 refers to: exchange types, payload types, notify
 * types, transform types and IDs, and the codec's own limits.
 */
public final class Ike
{
    /** The fixed IKE header: SPIi(8) SPIr(8) next(1) version(1) exchange(1) flags(1) message id(4) length(4). */
    public static final int HEADER_LENGTH = 28;
    /** The generic payload header: next(1) critical+reserved(1) length(2). */
    public static final int PAYLOAD_HEADER_LENGTH = 4;
    /** The largest message accepted: what fits a UDP datagram. */
    public static final int MAX_MESSAGE_LENGTH = 65_507;
    /** Payloads per chain at most; a real IKE_AUTH carries about a dozen. */
    public static final int MAX_PAYLOADS = 64;
    /** Proposals in one SA payload, and transforms in one proposal, at most. */
    public static final int MAX_PROPOSALS = 32;
    public static final int MAX_TRANSFORMS = 64;
    /** Traffic selectors in one TS payload, and attributes in one CP payload, at most. */
    public static final int MAX_SELECTORS = 64;
    public static final int MAX_ATTRIBUTES = 64;
    /** SPIs in one Delete payload at most. */
    public static final int MAX_DELETE_SPIS = 256;

    public static final int VERSION_2 = 0x20;

    public static final int FLAG_INITIATOR = 0x08;
    public static final int FLAG_VERSION = 0x10;
    public static final int FLAG_RESPONSE = 0x20;

    public static final int IKE_SA_INIT = 34;
    public static final int IKE_AUTH = 35;
    public static final int CREATE_CHILD_SA = 36;
    public static final int INFORMATIONAL = 37;

    public static final int NO_NEXT_PAYLOAD = 0;
    public static final int SA = 33;
    public static final int KE = 34;
    public static final int IDI = 35;
    public static final int IDR = 36;
    public static final int CERT = 37;
    public static final int CERTREQ = 38;
    public static final int AUTH = 39;
    public static final int NONCE = 40;
    public static final int NOTIFY = 41;
    public static final int DELETE = 42;
    public static final int VENDOR = 43;
    public static final int TSI = 44;
    public static final int TSR = 45;
    public static final int SK = 46;
    public static final int CP = 47;
    public static final int EAP = 48;
    public static final int SKF = 53;

    public static final int PROTOCOL_IKE = 1;
    public static final int PROTOCOL_AH = 2;
    public static final int PROTOCOL_ESP = 3;

    public static final int TRANSFORM_ENCR = 1;
    public static final int TRANSFORM_PRF = 2;
    public static final int TRANSFORM_INTEG = 3;
    public static final int TRANSFORM_DH = 4;
    public static final int TRANSFORM_ESN = 5;
    /** The Key Length transform attribute (TV format, RFC 7296 §3.3.5). */
    public static final int ATTRIBUTE_KEY_LENGTH = 14;

    public static final int ENCR_AES_CBC = 12;
    public static final int ENCR_AES_GCM_16 = 20;
    public static final int PRF_HMAC_SHA2_256 = 5;
    public static final int PRF_HMAC_SHA2_384 = 6;
    public static final int PRF_HMAC_SHA2_512 = 7;
    public static final int AUTH_HMAC_SHA2_256_128 = 12;
    public static final int AUTH_HMAC_SHA2_384_192 = 13;
    public static final int AUTH_HMAC_SHA2_512_256 = 14;
    public static final int ESN_NONE = 0;
    public static final int ESN_YES = 1;

    public static final int ID_IPV4_ADDR = 1;
    public static final int ID_FQDN = 2;
    public static final int ID_RFC822_ADDR = 3;
    public static final int ID_IPV6_ADDR = 5;
    public static final int ID_DER_ASN1_DN = 9;
    public static final int ID_KEY_ID = 11;

    public static final int AUTH_RSA = 1;
    public static final int AUTH_SHARED_KEY = 2;
    public static final int AUTH_ECDSA_256 = 9;
    public static final int AUTH_ECDSA_384 = 10;
    public static final int AUTH_ECDSA_521 = 11;
    public static final int AUTH_DIGITAL_SIGNATURE = 14;

    public static final int CERT_X509_SIGNATURE = 4;

    public static final int TS_IPV4_ADDR_RANGE = 7;
    public static final int TS_IPV6_ADDR_RANGE = 8;

    public static final int CFG_REQUEST = 1;
    public static final int CFG_REPLY = 2;
    public static final int CFG_SET = 3;
    public static final int CFG_ACK = 4;
    public static final int INTERNAL_IP4_ADDRESS = 1;
    public static final int INTERNAL_IP4_NETMASK = 2;
    public static final int INTERNAL_IP4_DNS = 3;
    public static final int INTERNAL_IP6_ADDRESS = 8;
    public static final int INTERNAL_IP6_DNS = 10;
    public static final int INTERNAL_IP4_SUBNET = 13;
    public static final int SUPPORTED_ATTRIBUTES = 14;
    public static final int INTERNAL_DNS_DOMAIN = 25;

    public static final int UNSUPPORTED_CRITICAL_PAYLOAD = 1;
    public static final int INVALID_IKE_SPI = 4;
    public static final int INVALID_MAJOR_VERSION = 5;
    public static final int INVALID_SYNTAX = 7;
    public static final int INVALID_MESSAGE_ID = 9;
    public static final int INVALID_SPI = 11;
    public static final int NO_PROPOSAL_CHOSEN = 14;
    public static final int INVALID_KE_PAYLOAD = 17;
    public static final int AUTHENTICATION_FAILED = 24;
    public static final int SINGLE_PAIR_REQUIRED = 34;
    public static final int NO_ADDITIONAL_SAS = 35;
    public static final int INTERNAL_ADDRESS_FAILURE = 36;
    public static final int FAILED_CP_REQUIRED = 37;
    public static final int TS_UNACCEPTABLE = 38;
    public static final int TEMPORARY_FAILURE = 43;
    public static final int CHILD_SA_NOT_FOUND = 44;
    /** Status notifies start here; below are errors. */
    public static final int FIRST_STATUS_NOTIFY = 16384;
    public static final int INITIAL_CONTACT = 16384;
    public static final int SET_WINDOW_SIZE = 16385;
    public static final int NAT_DETECTION_SOURCE_IP = 16388;
    public static final int NAT_DETECTION_DESTINATION_IP = 16389;
    public static final int COOKIE = 16390;
    public static final int USE_TRANSPORT_MODE = 16391;
    public static final int REKEY_SA = 16393;
    public static final int ESP_TFC_PADDING_NOT_SUPPORTED = 16394;
    public static final int NON_FIRST_FRAGMENTS_ALSO = 16395;
    public static final int MOBIKE_SUPPORTED = 16396;
    public static final int EAP_ONLY_AUTHENTICATION = 16417;
    public static final int IKEV2_FRAGMENTATION_SUPPORTED = 16430;
    public static final int SIGNATURE_HASH_ALGORITHMS = 16431;

    public static final int EAP_REQUEST = 1;
    public static final int EAP_RESPONSE = 2;
    public static final int EAP_SUCCESS = 3;
    public static final int EAP_FAILURE = 4;
    public static final int EAP_TYPE_IDENTITY = 1;
    public static final int EAP_TYPE_NAK = 3;
    public static final int EAP_TYPE_MD5 = 4;
    public static final int EAP_TYPE_GTC = 6;
    public static final int EAP_TYPE_MSCHAPV2 = 26;
    public static final int EAP_TYPE_EXPANDED = 254;

    private Ike()
    {
    }

    /** Whether a notify type is an error (RFC 7296 §3.10.1: types below 16384). */
    public static boolean isError(final int notifyType)
    {
        return notifyType < FIRST_STATUS_NOTIFY;
    }
}
