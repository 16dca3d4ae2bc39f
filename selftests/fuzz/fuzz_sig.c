// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_sig.c - libFuzzer target: a whole packet from the "signal" ring
 * buffer, as the daemon gets it from XDP (IPv6 header, extension headers,
 * Mobility Header), through sig_parse_packet() and mh_parse() with the
 * pseudo-header addresses it works out.
 */
#include <stddef.h>
#include <stdint.h>

#include "wire/mh.h"
#include "wire/sigio.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sig_rx rx;
	struct mh_msg msg;

	if (size > XMIP6_SIGNAL_MAX_LEN) /* the ring record's limit */
		return 0;
	if (sig_parse_packet(data, size, 1, size & 1, &rx))
		return 0;
	(void)mh_parse(rx.mh, rx.mh_len, NULL, NULL, &msg);
	(void)mh_parse(rx.mh, rx.mh_len, &rx.mh_src, &rx.mh_dst, &msg);
	return 0;
}
