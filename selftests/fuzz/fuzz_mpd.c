// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_mpd.c - libFuzzer target: Mobile Prefix Discovery as received (RFC
 * 6275 sections 6.7, 6.8, 10.6, 11.4.3): the home agent's MPS packet (IPv6,
 * Destination Options with a Home Address option, ICMPv6 146), the mobile
 * node's MPA packet (IPv6, type 2 routing header, ICMPv6 147 with Prefix
 * Information options), and the two ICMPv6 messages alone.
 *
 * The first octet picks: bits 0-1 MPS packet, MPA packet, MPS, MPA; bit 2
 * (packets) repairs a wrong ICMPv6 checksum, so that the fuzzer gets past
 * it to the message. The rest is the input, in a buffer of its exact size.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/inet.h"
#include "wire/disc.h"

static const struct config_prefix home = {
	.addr = {{{0x20, 0x01, 0x0d, 0xb8, 0, 1}}},
	.len = 64,
};

static void check_mpa(const __u8 *icmp, size_t len)
{
	struct disc_mpa mpa;
	unsigned int i;
	int ret = disc_parse_mpa(icmp, len, &home, &mpa);

	if (ret && ret != -EBADMSG)
		__builtin_trap();
	if (ret)
		return;
	if (mpa.has_prefix != (mpa.n_prefixes > 0) || mpa.prefix.prefix.len > 128 ||
	    (size_t)mpa.n_prefixes > len / 32)
		__builtin_trap();
	for (i = mpa.prefix.prefix.len; i < 128; i++)
		if (mpa.prefix.prefix.addr.s6_addr[i / 8] & (0x80 >> (i % 8)))
			__builtin_trap(); /* host bits left set */
}

static void check_mps(const __u8 *icmp, size_t len)
{
	__u16 id;
	int ret = disc_parse_mps(icmp, len, &id);

	if (ret && ret != -EBADMSG)
		__builtin_trap();
}

/* An MPS (@mps) or MPA packet in @buf; with @repair, fix the checksum and parse again. */
static void check_pkt(__u8 *buf, size_t len, bool mps, bool repair)
{
	int (*parse)(const void *, size_t, struct disc_mp_pkt *) =
		mps ? disc_parse_mps_pkt : disc_parse_mpa_pkt;
	struct disc_mp_pkt mp;
	int ret = parse(buf, len, &mp);

	if (ret == -EPROTO && repair) {
		size_t off = mp.icmp - buf;
		__u16 sum;

		if (off + 4 > len || mp.icmp_len > len - off)
			__builtin_trap();
		buf[off + 2] = buf[off + 3] = 0;
		sum = mps ? inet_checksum(&mp.home_addr, &mp.dst, IPPROTO_ICMPV6, mp.icmp,
					  mp.icmp_len)
			  : inet_checksum(&mp.src, &mp.home_addr, IPPROTO_ICMPV6, mp.icmp,
					  mp.icmp_len);
		buf[off + 2] = sum >> 8;
		buf[off + 3] = sum & 0xff;
		ret = parse(buf, len, &mp);
		if (ret)
			__builtin_trap(); /* only the checksum was wrong */
	}
	if (ret && ret != -EPROTO && ret != -EBADMSG && ret != -ENOMSG)
		__builtin_trap();
	if (ret)
		return;
	if (mp.icmp < buf || mp.icmp_len < 8 || mp.icmp + mp.icmp_len > buf + len)
		__builtin_trap();
	if (mps)
		check_mps(mp.icmp, mp.icmp_len);
	else
		check_mpa(mp.icmp, mp.icmp_len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	__u8 *buf;
	size_t len;

	if (!size)
		return 0;
	len = size - 1;
	/* Exactly @len octets on the heap: AddressSanitizer sees any overread. */
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	switch (data[0] & 3) {
	case 0:
		check_pkt(buf, len, true, data[0] & 4);
		break;
	case 1:
		check_pkt(buf, len, false, data[0] & 4);
		break;
	case 2:
		check_mps(buf, len);
		break;
	default:
		check_mpa(buf, len);
		break;
	}
	free(buf);
	return 0;
}
