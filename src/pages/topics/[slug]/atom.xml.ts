// One Atom 1.0 feed per topic.
import type { APIContext } from 'astro';
import { siteData } from '../../../site/data.ts';
import type { TopicView } from '../../../site/data.ts';
import { topicChannel, topicFeedStaticPaths } from '../../../site/feeds/channel.ts';
import { atomResponse } from '../../../site/feeds/atom.ts';

export const getStaticPaths = async () => topicFeedStaticPaths((await siteData()), 'atom.xml');
export const GET = (context: APIContext<{ topic: TopicView }>) => atomResponse(topicChannel(context.props.topic, context.site));
