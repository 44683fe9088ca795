package org.headend.control.cli;

/**
 * What {@code show crypto ikev2 sa}, {@code show crypto ipsec sa} and {@code show crypto ikev2 stats} print, from the
 * IKEv2 service when it runs.
 */
public interface CryptoStatus
{
    /** No IKEv2: both commands print nothing but the ASA's empty answer. */
    CryptoStatus NONE = new CryptoStatus()
    {
        @Override
        public String ikev2Sas()
        {
            return "There are no IKEv2 SAs\n";
        }

        @Override
        public String ipsecSas()
        {
            return "There are no ipsec sas\n";
        }

        @Override
        public String ikev2Stats()
        {
            return "IKEv2 is not enabled (crypto ikev2 enable NAMEIF)\n";
        }
    };

    /** {@code show crypto ikev2 sa}. */
    String ikev2Sas();

    /** {@code show crypto ipsec sa}: SPIs and counters of each CHILD_SA. */
    String ipsecSas();

    /** {@code show crypto ikev2 stats}: the IKE SAs and the fragmentation counters since IKEv2 was enabled. */
    String ikev2Stats();
}
