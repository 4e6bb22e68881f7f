/* The latency probe: a child that runs until it is killed. */
#include <unistd.h>

int main(void)
{
	for (;;)
		pause();
}
