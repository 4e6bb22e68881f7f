/* The latency probe: a child that runs until it is killed. The alarm is a
 * backstop: a probe whose parent died before killing it ends by itself
 * instead of holding the parent's output pipe open for ever. */
#include <unistd.h>

int main(void)
{
	alarm(300);
	for (;;)
		pause();
}
