// One JSON Feed 1.1 per topic.
import type { APIContext } from 'astro';
import { siteData } from '../../../site/data.ts';
import type { TopicView } from '../../../site/data.ts';
import { topicChannel, topicFeedStaticPaths } from '../../../site/feeds/channel.ts';
import { jsonFeedResponse } from '../../../site/feeds/json-feed.ts';

export const getStaticPaths = async () => topicFeedStaticPaths((await siteData()), 'feed.json');
export const GET = (context: APIContext<{ topic: TopicView }>) => jsonFeedResponse(topicChannel(context.props.topic, context.site));
