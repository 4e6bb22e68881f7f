/* The static trivial program: it only exits, so that a spawn of it costs
 * the spawner's work and the kernel's, and next to nothing for loading. */
#include <stdlib.h>

int main(void)
{
	exit(0);
}
