

aRelux:12