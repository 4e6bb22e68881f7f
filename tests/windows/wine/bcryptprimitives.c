/*
 * A stand-in for Windows' bcryptprimitives.dll, for Wine 8 (Debian 12),
 * which lacks it: the Go runtime (1.24+) loads ProcessPrng from it at
 * start-up and stops without it. ProcessPrng fills the buffer with random
 * bytes and cannot fail on Windows; here it asks BCryptGenRandom, in
 * chunks that fit its ULONG length.
 *
 * A test fixture: run.sh builds it into the Wine prefix of the harness,
 * never into a prefix of the user's.
 */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
	while (len > 0) {
		ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;

		if (!BCRYPT_SUCCESS(BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG)))
			return FALSE;
		data += chunk;
		len -= chunk;
	}
	return TRUE;
}
