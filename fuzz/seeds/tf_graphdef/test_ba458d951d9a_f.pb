
.
aPlaceholder*
dtype0*
shape:
.
bPlaceholder*
dtype0*
shape:

callMyAddabˆ
…

MyAdd
x
y
out
bodyAddV2xy*
T0(
scaledRelubody:z:0^body*
T0"
outscaled:activations:0"µ	