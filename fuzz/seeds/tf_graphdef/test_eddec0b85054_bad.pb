

abc
d
x