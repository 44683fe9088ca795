package org.headend.control.ike.codec;

import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of one chain (a message's plain payloads, or the inside of its SK payload) decoded into values for
 * the state machine: every payload is checked by its flyweight, a payload that may appear once appears at most
 * once, and unknown non-critical payloads are skipped (RFC 7296 §2.5).
 */
public final class PayloadSet
{
    /** Vendor IDs longer than this are ignored (the Cisco ones are 16–70 bytes). */
    private static final int MAX_VENDOR_ID = 256;

    private List<Proposal> proposals;
    private int keGroup;
    private byte[] keData;
    private byte[] nonce;
    /** IDi and IDr: the whole body (what AUTH signs), the type and the text. */
    private byte[] idiBody;
    private int idiType;
    private String idiText;
    private byte[] idrBody;
    private int authMethod;
    private byte[] authData;
    private final List<byte[]> certificates = new ArrayList<>();
    private final List<byte[]> certificateRequests = new ArrayList<>();
    private final List<Notification> notifications = new ArrayList<>();
    private final List<int[]> deletedChildSpis = new ArrayList<>();
    private boolean deletesIkeSa;
    private final List<byte[]> vendorIds = new ArrayList<>();
    private List<TrafficSelector> tsi;
    private List<TrafficSelector> tsr;
    private int cfgType;
    private List<CpPayload.Attribute> cfgAttributes;
    private byte[] eap;

    private PayloadSet()
    {
    }

    /** Decodes every payload of the chain except a trailing SK/SKF. */
    public static PayloadSet decode(final PayloadChain chain) throws IkeParseException
    {
        final PayloadSet out = new PayloadSet();
        final SaPayload sa = new SaPayload();
        final KePayload ke = new KePayload();
        final IdPayload id = new IdPayload();
        final TypedDataPayload typed = new TypedDataPayload();
        final NotifyPayload notify = new NotifyPayload();
        final DeletePayload delete = new DeletePayload();
        final CpPayload cp = new CpPayload();
        final EapPacket eap = new EapPacket();
        final java.nio.ByteBuffer buffer = chain.buffer();
        for (int i = 0; i < chain.count(); i++)
        {
            final int offset = chain.bodyOffset(i);
            final int length = chain.bodyLength(i);
            switch (chain.type(i))
            {
                case Ike.SA ->
                {
                    once(out.proposals, "SA");
                    sa.wrap(buffer, offset, length);
                    final List<Proposal> proposals = new ArrayList<>(sa.proposalCount());
                    for (int p = 0; p < sa.proposalCount(); p++)
                    {
                        proposals.add(sa.proposal(p));
                    }
                    out.proposals = proposals;
                }
                case Ike.KE ->
                {
                    once(out.keData, "KE");
                    ke.wrap(buffer, offset, length);
                    out.keGroup = ke.group();
                    out.keData = ke.keyData();
                }
                case Ike.NONCE ->
                {
                    once(out.nonce, "Nonce");
                    out.nonce = NoncePayload.read(buffer, offset, length);
                }
                case Ike.IDI ->
                {
                    once(out.idiBody, "IDi");
                    id.wrap(buffer, offset, length);
                    out.idiBody = id.body();
                    out.idiType = id.idType();
                    out.idiText = id.text();
                }
                case Ike.IDR ->
                {
                    once(out.idrBody, "IDr");
                    out.idrBody = id.wrap(buffer, offset, length).body();
                }
                case Ike.AUTH ->
                {
                    once(out.authData, "AUTH");
                    typed.wrap(buffer, offset, length, 3);
                    out.authMethod = typed.kind();
                    out.authData = typed.data();
                }
                case Ike.CERT -> out.certificates.add(typed.wrap(buffer, offset, length, 0).data());
                case Ike.CERTREQ -> out.certificateRequests.add(typed.wrap(buffer, offset, length, 0).data());
                case Ike.NOTIFY ->
                {
                    notify.wrap(buffer, offset, length);
                    out.notifications.add(new Notification(notify.protocol(), notify.notifyType(), notify.spi(),
                        notify.data()));
                }
                case Ike.DELETE ->
                {
                    delete.wrap(buffer, offset, length);
                    if (delete.protocol() == Ike.PROTOCOL_IKE)
                    {
                        out.deletesIkeSa = true;
                    }
                    else
                    {
                        final int[] spis = new int[delete.spiCount()];
                        for (int s = 0; s < spis.length; s++)
                        {
                            spis[s] = delete.childSpi(s);
                        }
                        out.deletedChildSpis.add(spis);
                    }
                }
                case Ike.VENDOR ->
                {
                    if (length <= MAX_VENDOR_ID)
                    {
                        final byte[] vid = new byte[length];
                        buffer.get(offset, vid);
                        out.vendorIds.add(vid);
                    }
                }
                case Ike.TSI ->
                {
                    once(out.tsi, "TSi");
                    out.tsi = TsPayload.read(buffer, offset, length);
                }
                case Ike.TSR ->
                {
                    once(out.tsr, "TSr");
                    out.tsr = TsPayload.read(buffer, offset, length);
                }
                case Ike.CP ->
                {
                    once(out.cfgAttributes, "CP");
                    cp.wrap(buffer, offset, length);
                    out.cfgType = cp.cfgType();
                    out.cfgAttributes = cp.attributes();
                }
                case Ike.EAP ->
                {
                    once(out.eap, "EAP");
                    eap.wrap(buffer, offset, length);
                    out.eap = new byte[length];
                    buffer.get(offset, out.eap);
                }
                default ->
                {
                    // SK/SKF are opened by the caller; unknown non-critical payloads are ignored (§2.5)
                }
            }
        }
        return out;
    }

    private static void once(final Object seen, final String name) throws IkeParseException
    {
        if (seen != null)
        {
            throw new IkeParseException("more than one " + name + " payload");
        }
    }

    // ---------------------------------------------------------------- the decoded values (null: absent)

    public List<Proposal> proposals()
    {
        return proposals;
    }

    public int keGroup()
    {
        return keGroup;
    }

    public byte[] keData()
    {
        return keData;
    }

    public byte[] nonce()
    {
        return nonce;
    }

    public byte[] idiBody()
    {
        return idiBody;
    }

    public int idiType()
    {
        return idiType;
    }

    public String idiText()
    {
        return idiText;
    }

    public byte[] idrBody()
    {
        return idrBody;
    }

    public int authMethod()
    {
        return authMethod;
    }

    public byte[] authData()
    {
        return authData;
    }

    public List<TrafficSelector> tsi()
    {
        return tsi;
    }

    public List<TrafficSelector> tsr()
    {
        return tsr;
    }

    public int cfgType()
    {
        return cfgType;
    }

    public List<CpPayload.Attribute> cfgAttributes()
    {
        return cfgAttributes;
    }

    public byte[] eap()
    {
        return eap;
    }

    public boolean deletesIkeSa()
    {
        return deletesIkeSa;
    }

    public List<byte[]> certificates()
    {
        return java.util.Collections.unmodifiableList(certificates);
    }

    public List<byte[]> certificateRequests()
    {
        return java.util.Collections.unmodifiableList(certificateRequests);
    }

    public List<Notification> notifications()
    {
        return java.util.Collections.unmodifiableList(notifications);
    }

    public List<int[]> deletedChildSpis()
    {
        return java.util.Collections.unmodifiableList(deletedChildSpis);
    }

    public List<byte[]> vendorIds()
    {
        return java.util.Collections.unmodifiableList(vendorIds);
    }

    /** The first notification of {@code type}, or null. */
    public Notification notification(final int type)
    {
        for (final Notification notification : notifications)
        {
            if (notification.type() == type)
            {
                return notification;
            }
        }
        return null;
    }

    /** The first error notification, or null. */
    public Notification error()
    {
        for (final Notification notification : notifications)
        {
            if (Ike.isError(notification.type()))
            {
                return notification;
            }
        }
        return null;
    }
}
