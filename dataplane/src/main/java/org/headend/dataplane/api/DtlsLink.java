package org.headend.dataplane.api;

import java.net.InetSocketAddress;

/** A tunnel's live DTLS channel, as control sees it: who it runs with and with which suite. */
public interface DtlsLink
{
    /** The client's UDP address. */
    InetSocketAddress peer();

    /** The suite in ASA words for the CLI, e.g. {@code AES-GCM-256}. */
    String cipherName();

    /** The PRF hash in ASA words, e.g. {@code SHA384}. */
    String hashName();
}
