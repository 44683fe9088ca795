package org.headend.control.cli;

/** What {@code show crypto ikev2 sa} and {@code show crypto ipsec sa} print, from the IKEv2 service when it runs. */
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
    };

    /** {@code show crypto ikev2 sa}. */
    String ikev2Sas();

    /** {@code show crypto ipsec sa}: SPIs and counters of each CHILD_SA. */
    String ipsecSas();
}
