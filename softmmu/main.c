/* Placeholder until vl.c lands: replaced by the command-line helper. */
int main(void);
int main(void)
{
    return 0;
}
